//! The few JavaScript string semantics DevTools' numbers depend on: lengths and ordering count UTF-16 code
//! units, `parseInt(s, 10)`, and `JSON.stringify` escaping. Rust strings are UTF-8, so these are spelled out
//! here instead of being approximated at each call site.

use std::cmp::Ordering;

/// `s.length` in JavaScript: the number of UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// JavaScript's `<` on strings (and the default `Array.prototype.sort` order): UTF-16 code unit order.
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    // Byte order equals code point order, which equals UTF-16 order unless a supplementary character (4 UTF-8
    // bytes, surrogates in UTF-16) meets a character in U+E000..=U+FFFF; only then compare code units.
    if a.is_ascii() || b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `parseInt(s, 10)`: optional leading whitespace and sign, then the longest run of decimal digits; `None`
/// where JavaScript gives `NaN`. Large values lose precision as JavaScript's do.
pub fn parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(is_js_whitespace);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let run = digits.bytes().take_while(u8::is_ascii_digit).count();
    if run == 0 {
        return None;
    }
    let value: f64 = digits[..run].parse().ok()?;
    Some(if negative { -value } else { value })
}

fn is_js_whitespace(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// DevTools' `formatPropertyName`: a property name as shown in `{a, b}` class names. Names containing a
/// comma, quote or brace are shown JSON-quoted so the list stays readable.
pub fn format_property_name(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains([',', '\'', '"', '{', '}']) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if u32::from(c) < 0x20 => quoted.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    std::borrow::Cow::Owned(quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_follows_javascript() {
        assert_eq!(parse_int("12"), Some(12.0));
        assert_eq!(parse_int("  -7abc"), Some(-7.0));
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("0x10"), Some(0.0));
    }

    #[test]
    fn property_names_with_separators_are_quoted() {
        assert_eq!(format_property_name("plain"), "plain");
        assert_eq!(format_property_name("a,b"), "\"a,b\"");
        assert_eq!(format_property_name("say \"hi\"\n{x}"), "\"say \\\"hi\\\"\\n{x}\"");
        assert_eq!(format_property_name("'\u{1}"), "\"'\\u0001\"");
    }

    #[test]
    fn utf16_order_puts_supplementary_characters_before_the_top_of_the_bmp() {
        assert_eq!(utf16_cmp("\u{1F600}", "\u{FF01}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF01}"), Ordering::Greater);
        assert_eq!(utf16_len("a\u{1F600}"), 3);
    }
}
