"""The shipped Lark grammar (``sphere.lark``); a package so it travels inside the wheel."""
