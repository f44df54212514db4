//! A small CSV reader for the CSV metric formats: Excel's `sep=` first line, `,` `;` or tab delimiters
//! (guessed from the header when not declared), double-quoted fields with `""` escapes (newlines inside
//! quotes included), `\r\n` or `\n` line ends, and a UTF-8 byte-order mark.

/// A CSV file split into records, each with the 1-based line where it starts.
pub(crate) struct CsvReader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    pub delimiter: u8,
}

impl<'a> CsvReader<'a> {
    pub fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = CsvReader { text, pos: 0, line: 1, delimiter: b',' };
        let first_line = text.lines().next().unwrap_or("");
        if let Some(sep) = first_line.trim().strip_prefix("sep=") {
            reader.delimiter = sep.bytes().next().unwrap_or(b',');
            reader.skip_line();
        } else {
            reader.delimiter = guess_delimiter(first_line);
        }
        reader
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
        let bytes = self.text.as_bytes();
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut in_quotes = false;
        let mut field_start = self.pos;
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            if in_quotes {
                if b == b'"' {
                    if bytes.get(self.pos + 1) == Some(&b'"') {
                        field.push('"');
                        self.pos += 2;
                        continue;
                    }
                    in_quotes = false;
                } else {
                    if b == b'\n' {
                        self.line += 1;
                    }
                    let ch_len = utf8_len(b);
                    field.push_str(&self.text[self.pos..self.pos + ch_len]);
                    self.pos += ch_len;
                    continue;
                }
                self.pos += 1;
                continue;
            }
            match b {
                b'"' if self.text[field_start..self.pos].trim().is_empty() => {
                    field.clear();
                    in_quotes = true;
                }
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    fields.push(std::mem::take(&mut field));
                    return fields;
                }
                b'\r' if bytes.get(self.pos + 1) == Some(&b'\n') => {}
                _ if b == self.delimiter => {
                    fields.push(std::mem::take(&mut field));
                    field_start = self.pos + 1;
                }
                _ => {
                    let ch_len = utf8_len(b);
                    field.push_str(&self.text[self.pos..self.pos + ch_len]);
                    self.pos += ch_len;
                    continue;
                }
            }
            self.pos += 1;
        }
        fields.push(field);
        fields
    }
}

fn utf8_len(first_byte: u8) -> usize {
    match first_byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The delimiter that appears most often outside quotes in a header line.
fn guess_delimiter(header: &str) -> u8 {
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
    [b',', b';', b'\t'][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_sep_line_and_crlf() {
        let mut r =
            CsvReader::new("sep=;\r\n\"Time\";\"a \"\"b\"\"\"\r\n\r\n2024-01-01 00:00:00;\"1;2\"\r\n");
        assert_eq!(r.delimiter, b';');
        assert_eq!(r.next_record(), Some((2, vec!["Time".into(), "a \"b\"".into()])));
        assert_eq!(r.next_record(), Some((4, vec!["2024-01-01 00:00:00".into(), "1;2".into()])));
        assert_eq!(r.next_record(), None);
    }

    #[test]
    fn guesses_tabs_and_keeps_unicode() {
        let mut r = CsvReader::new("t\tµs\n1\t2\n");
        assert_eq!(r.delimiter, b'\t');
        assert_eq!(r.next_record(), Some((1, vec!["t".into(), "µs".into()])));
    }
}
