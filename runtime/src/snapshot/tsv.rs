//! The snapshot TSVs: Go `encoding/csv` output with a tab separator (RFC 4180 quoting, `"`
//! doubled inside fields, embedded newlines), read and written with the `csv` crate so that a
//! field holding a tab, a quote or a newline survives the round trip.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use super::SnapshotError;

/// A streaming reader of one TSV file that checks every record against the header.
pub struct TsvReader {
    path: String,
    inner: csv::Reader<BufReader<File>>,
    header: Vec<String>,
    /// The recorder ends every record with a newline; a file that does not was cut short
    /// (the `csv` crate would silently close an open quote at the end of input).
    ends_with_newline: bool,
}

fn last_byte(path: &Path) -> Result<Option<u8>, SnapshotError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path).map_err(|e| SnapshotError::io(path, e))?;
    let len = f.metadata().map_err(|e| SnapshotError::io(path, e))?.len();
    if len == 0 {
        return Ok(None);
    }
    f.seek(SeekFrom::Start(len - 1))
        .map_err(|e| SnapshotError::io(path, e))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b)
        .map_err(|e| SnapshotError::io(path, e))?;
    Ok(Some(b[0]))
}

impl TsvReader {
    /// Opens a TSV and reads its header.
    pub fn open(path: &Path) -> Result<Self, SnapshotError> {
        let file = File::open(path).map_err(|e| SnapshotError::io(path, e))?;
        let mut inner = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .has_headers(true)
            .flexible(false)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let shown = path.display().to_string();
        let header: Vec<String> = inner
            .headers()
            .map_err(|e| csv_error(&shown, e))?
            .iter()
            .map(str::to_string)
            .collect();
        if header.is_empty() || header.iter().all(String::is_empty) {
            return Err(SnapshotError::Malformed {
                path: shown,
                line: 1,
                message: "empty file or empty header; a snapshot TSV starts with a header line"
                    .into(),
            });
        }
        Ok(TsvReader {
            path: shown,
            inner,
            header,
            ends_with_newline: last_byte(path)? == Some(b'\n'),
        })
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Reads the next record into `rec`; false at the end.
    pub fn next_record(&mut self, rec: &mut csv::StringRecord) -> Result<bool, SnapshotError> {
        let more = self
            .inner
            .read_record(rec)
            .map_err(|e| csv_error(&self.path, e))?;
        if !more && !self.ends_with_newline {
            return Err(SnapshotError::Malformed {
                path: self.path.clone(),
                line: self.inner.position().line() as usize,
                message: "the file ends in the middle of a record (no final newline): truncated?"
                    .into(),
            });
        }
        Ok(more)
    }
}

fn csv_error(path: &str, e: csv::Error) -> SnapshotError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "record has {len} fields, the header has {expected_len}; a field with a tab or newline must be quoted"
        ),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    SnapshotError::Malformed {
        path: path.to_string(),
        line,
        message,
    }
}

/// A TSV writer with the recorder's conventions: tab separator, minimal RFC 4180 quoting,
/// `\n` line ends.
pub fn writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_tabs_quotes_and_newlines_round_trip() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("t.tsv");
        let fields = ["plain", "a\tb", "say \"hi\"", "two\nlines"];
        {
            let mut w = writer(File::create(&p).expect("create"));
            w.write_record(["c1", "c2", "c3", "c4"]).expect("header");
            w.write_record(fields).expect("row");
            w.flush().expect("flush");
        }
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains("\"say \"\"hi\"\"\""), "{text}");
        let mut r = TsvReader::open(&p).expect("open");
        assert_eq!(r.column("c3"), Some(2));
        let mut rec = csv::StringRecord::new();
        assert!(r.next_record(&mut rec).expect("record"));
        assert_eq!(rec.iter().collect::<Vec<_>>(), fields);
        assert!(!r.next_record(&mut rec).expect("end"));
    }

    #[test]
    fn wrong_column_count_and_truncation_name_the_line() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("t.tsv");
        std::fs::write(&p, "a\tb\n1\t2\n3\n").expect("write");
        let mut r = TsvReader::open(&p).expect("open");
        let mut rec = csv::StringRecord::new();
        assert!(r.next_record(&mut rec).expect("first"));
        let e = r.next_record(&mut rec).expect_err("short").to_string();
        assert!(
            e.contains("t.tsv:3: record has 1 fields, the header has 2"),
            "{e}"
        );

        std::fs::write(&p, "a\tb\n1\t\"cut in the mid").expect("write");
        let mut r = TsvReader::open(&p).expect("open");
        // The cut record still reads; the end of input then reports the truncation.
        assert!(r.next_record(&mut rec).expect("partial record"));
        let e = r.next_record(&mut rec).expect_err("truncated").to_string();
        assert!(e.contains("t.tsv:") && e.contains("truncated?"), "{e}");

        std::fs::write(&p, "").expect("write");
        let e = TsvReader::open(&p).err().expect("empty").to_string();
        assert!(e.contains("empty file"), "{e}");
    }
}
