//! `read`, `mapfile` and `readarray`: lines from a descriptor into variables.

use super::super::Io;
use super::super::state::{Shell, Value};

impl Shell {
    pub(super) fn read_line(&self, fd: u32, delim: u8, max: Option<usize>) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        loop {
            match crate::sys::read_fd(fd, &mut b) {
                Ok(1) => {
                    if b[0] == delim {
                        return Some(line);
                    }
                    line.push(b[0]);
                    if max.is_some_and(|m| line.len() >= m) {
                        return Some(line);
                    }
                }
                _ => return if line.is_empty() { None } else { Some(line) },
            }
        }
    }
    pub(super) fn read_builtin(&mut self, args: &[String], io: &Io) -> i32 {
        let (mut raw, mut array, mut delim, mut max, mut names) =
            (false, None, b'\n', None, Vec::new());
        // Options as getopts reads them: clustered (`-ra NAME`), with attached values
        // (`-d,`, `-n5`), up to `--` or the first name.
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a == "--" {
                i += 1;
                break;
            }
            if a.len() < 2 || !a.starts_with('-') {
                break;
            }
            for (k, f) in a.char_indices().skip(1) {
                if "adnNptu".contains(f) {
                    let attached = &a[k + f.len_utf8()..];
                    let v = if attached.is_empty() {
                        i += 1;
                        args.get(i).cloned().unwrap_or_default()
                    } else {
                        attached.to_string()
                    };
                    match f {
                        'a' => array = Some(v),
                        'd' => delim = v.bytes().next().unwrap_or(0),
                        'n' | 'N' => max = v.parse().ok(),
                        _ => {}
                    }
                    break;
                }
                if f == 'r' {
                    raw = true;
                }
            }
            i += 1;
        }
        names.extend(args[i.min(args.len())..].iter().cloned());
        let Some(fd) = io.get(0) else { return 1 };
        let got = self.read_line(fd, delim, max);
        let eof = got.is_none();
        let mut line = String::from_utf8_lossy(&got.unwrap_or_default()).into_owned();
        if !raw {
            let mut o = String::new();
            let mut esc = false;
            for c in line.chars() {
                if esc {
                    o.push(c);
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else {
                    o.push(c);
                }
            }
            line = o;
        }
        let ifs = self.get_var("IFS").unwrap_or_else(|| " \t\n".into());
        let is_sep = |c: char| ifs.contains(c);
        if let Some(a) = array {
            let m = read_fields(&line, &ifs)
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i as i64, s))
                .collect();
            self.set_value(&a, Value::Indexed(m));
            return i32::from(eof);
        }
        if names.is_empty() {
            names.push("REPLY".into());
            self.set_var("REPLY", &line);
            return i32::from(eof);
        }
        let trimmed = line
            .trim_matches(|c: char| is_sep(c) && c.is_whitespace())
            .to_string();
        let mut rest = trimmed.as_str();
        for (k, n) in names.iter().enumerate() {
            if k + 1 == names.len() {
                self.set_var(
                    n,
                    rest.trim_end_matches(|c: char| is_sep(c) && c.is_whitespace()),
                );
                break;
            }
            let end = rest.find(is_sep).unwrap_or(rest.len());
            self.set_var(n, &rest[..end]);
            rest = rest[end..].trim_start_matches(|c: char| is_sep(c) && c.is_whitespace());
            if let Some(r) = rest.strip_prefix(|c: char| is_sep(c) && !c.is_whitespace()) {
                rest = r.trim_start_matches(|c: char| is_sep(c) && c.is_whitespace());
            }
        }
        i32::from(eof)
    }
    pub(super) fn mapfile(&mut self, args: &[String], io: &Io) -> i32 {
        let trim = args.iter().any(|a| a == "-t");
        let name = args
            .iter()
            .rfind(|a| !a.starts_with('-'))
            .cloned()
            .unwrap_or_else(|| "MAPFILE".into());
        let Some(fd) = io.get(0) else { return 1 };
        let mut m = std::collections::BTreeMap::new();
        let mut i = 0;
        while let Some(mut l) = self.read_line(fd, b'\n', None) {
            if !trim {
                l.push(b'\n');
            }
            m.insert(i, String::from_utf8_lossy(&l).into_owned());
            i += 1;
        }
        self.set_value(&name, Value::Indexed(m));
        0
    }
}

/// Splits a line into fields as `read -a` does: runs of IFS white space separate fields and
/// are dropped at both ends; each other IFS character ends a field, so `,a,,b,` gives
/// `["", "a", "", "b"]` (a last separator makes no empty field). Word splitting's splitter
/// leaves out a leading empty field (a word's first fragment may continue earlier text);
/// a line has no earlier text, so it is added here.
fn read_fields(line: &str, ifs: &str) -> Vec<String> {
    let is_ws = |c: char| c.is_whitespace() && ifs.contains(c);
    let line = line.trim_matches(is_ws);
    let leading = line.starts_with(|c: char| ifs.contains(c) && !is_ws(c));
    let fields = super::super::ifs::split_ifs(line, ifs)
        .into_iter()
        .flatten();
    leading
        .then(String::new)
        .into_iter()
        .chain(fields)
        .collect()
}
