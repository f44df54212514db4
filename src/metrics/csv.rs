//! A small CSV reader for the CSV metric formats: Excel's `sep=` first line (any one character, `sep=é` or
//! `sep=<TAB>` included), `,` `;` or tab delimiters (guessed from the header when not declared),
//! double-quoted fields with `""` escapes (newlines inside quotes included), `\r\n` or `\n` line ends, and a
//! UTF-8 byte-order mark. Blank lines before the header are skipped.

use super::error::MetricsError;

/// A CSV file split into records, each with the 1-based line where it starts.
pub(crate) struct CsvReader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: char,
}

/// What a `sep=` line declares: `None` when the line is not one, else the delimiter or why there is none.
pub(crate) fn declared_delimiter(line: &str) -> Option<Result<char, &'static str>> {
    let declared = line.trim_start().strip_prefix("sep=")?;
    let declared = declared.strip_suffix('\r').unwrap_or(declared);
    let mut chars = declared.chars();
    // `sep=<TAB>` and `sep= ` declare whitespace; otherwise trailing blanks are not part of the delimiter.
    let one = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => {
            let mut trimmed = declared.trim().chars();
            trimmed.next().filter(|_| trimmed.next().is_none())
        }
    };
    Some(match one {
        Some('"') => Err("a delimiter other than the quote character `\"` after `sep=`"),
        Some(c) => Ok(c),
        None if declared.trim().is_empty() => Err("a delimiter character after `sep=`"),
        None => Err("one delimiter character after `sep=`"),
    })
}

impl<'a> CsvReader<'a> {
    /// A reader positioned at the header; a `sep=` line that declares no usable delimiter is an error on
    /// its line.
    pub fn new(file_name: &str, text: &'a str) -> Result<Self, MetricsError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = CsvReader { text, pos: 0, line: 1, delimiter: ',' };
        while reader.pos < text.len() && reader.rest_of_line().trim().is_empty() {
            reader.skip_line();
        }
        let first_line = reader.rest_of_line();
        reader.delimiter = match declared_delimiter(first_line) {
            Some(Ok(delimiter)) => {
                reader.skip_line();
                delimiter
            }
            Some(Err(expected)) => {
                return Err(MetricsError::invalid(file_name, reader.line, expected, first_line));
            }
            None => guess_delimiter(first_line),
        };
        Ok(reader)
    }

    /// The text from the position to the end of its line (without the `\n`).
    fn rest_of_line(&self) -> &'a str {
        let rest = &self.text[self.pos..];
        rest.split('\n').next().unwrap_or(rest)
    }

    fn skip_line(&mut self) {
        match self.text[self.pos..].find('\n') {
            Some(i) => self.pos += i + 1,
            None => self.pos = self.text.len(),
        }
        self.line += 1;
    }

    /// The next non-empty record and its line number.
    pub fn next_record(&mut self) -> Option<(usize, Vec<String>)> {
        loop {
            if self.pos >= self.text.len() {
                return None;
            }
            let start_line = self.line;
            let fields = self.read_record();
            if fields.iter().any(|f| !f.trim().is_empty()) {
                return Some((start_line, fields));
            }
        }
    }

    fn read_record(&mut self) -> Vec<String> {
        let rest = &self.text[self.pos..];
        let mut chars = rest.char_indices().peekable();
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut in_quotes = false;
        // Whether the field's raw text so far is blank, so that a `"` opens a quoted field.
        let mut blank = true;
        while let Some((i, c)) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.next_if(|&(_, c)| c == '"').is_some() => field.push('"'),
                    '"' => in_quotes = false,
                    _ => {
                        if c == '\n' {
                            self.line += 1;
                        }
                        field.push(c);
                    }
                }
                continue;
            }
            match c {
                '"' if blank => {
                    field.clear();
                    in_quotes = true;
                    blank = false;
                }
                '\n' => {
                    self.pos += i + 1;
                    self.line += 1;
                    fields.push(field);
                    return fields;
                }
                '\r' if matches!(chars.peek(), Some(&(_, '\n'))) => {}
                _ if c == self.delimiter => {
                    fields.push(std::mem::take(&mut field));
                    blank = true;
                }
                _ => {
                    blank &= c.is_whitespace();
                    field.push(c);
                }
            }
        }
        self.pos = self.text.len();
        fields.push(field);
        fields
    }
}

/// The delimiter that appears most often outside quotes in a header line.
fn guess_delimiter(header: &str) -> char {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for b in header.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [',', ';', '\t'][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(text: &str) -> CsvReader<'_> {
        CsvReader::new("t.csv", text).unwrap()
    }

    #[test]
    fn quoted_fields_sep_line_and_crlf() {
        let mut r = reader("sep=;\r\n\"Time\";\"a \"\"b\"\"\"\r\n\r\n2024-01-01 00:00:00;\"1;2\"\r\n");
        assert_eq!(r.delimiter, ';');
        assert_eq!(r.next_record(), Some((2, vec!["Time".into(), "a \"b\"".into()])));
        assert_eq!(r.next_record(), Some((4, vec!["2024-01-01 00:00:00".into(), "1;2".into()])));
        assert_eq!(r.next_record(), None);
    }

    #[test]
    fn guesses_tabs_and_keeps_unicode() {
        let mut r = reader("t\tµs\n1\t2\n");
        assert_eq!(r.delimiter, '\t');
        assert_eq!(r.next_record(), Some((1, vec!["t".into(), "µs".into()])));
    }

    #[test]
    fn any_one_character_delimiter() {
        let mut r = reader("\n\nsep=é\nTime é µs\n1é\"2é3\"\n");
        assert_eq!(r.delimiter, 'é');
        assert_eq!(r.next_record(), Some((4, vec!["Time ".into(), " µs".into()])));
        assert_eq!(r.next_record(), Some((5, vec!["1".into(), "2é3".into()])));
        assert_eq!(reader("sep=\t\r\na\tb\n").delimiter, '\t');
        assert_eq!(reader("sep=| \na|b\n").delimiter, '|');
    }

    #[test]
    fn unusable_sep_lines_are_errors_on_their_line() {
        for (text, expected) in [
            ("\nsep=ab\nx,y\n", "expected one delimiter character after `sep=`, found `sep=ab`"),
            ("sep=\nx,y\n", "expected a delimiter character after `sep=`, found `sep=`"),
            ("sep=\"\nx,y\n", "expected a delimiter other than the quote character"),
        ] {
            let error = CsvReader::new("t.csv", text).err().unwrap();
            assert_eq!(error.line, if text.starts_with('\n') { 2 } else { 1 }, "{error}");
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
}
