"""Text to AST: decoding, the Lark parser and the transformer."""

from .parser import (
    ParseFailure,
    get_parser,
    parse_bytes,
    parse_expression,
    parse_source,
    parse_text,
)

__all__ = ["ParseFailure", "get_parser", "parse_bytes", "parse_expression", "parse_source", "parse_text"]
