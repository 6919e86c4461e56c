//! Pathname expansion: unquoted `*`, `?` and `[...]` against the directory tree, sorted.

use super::quote::unescape;
use crate::pattern::pattern_regex;

/// Pathname expansion of `pat`; sorted, dotfiles only when the pattern names them.
pub(super) fn glob_paths(pat: &str) -> Vec<String> {
    let absolute = pat.starts_with('/');
    let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
    let mut cur: Vec<String> = vec![if absolute { "/".into() } else { String::new() }];
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        let has_glob = comp.contains(['*', '?', '[']);
        for base in &cur {
            let dir = if base.is_empty() {
                ".".to_string()
            } else {
                base.clone()
            };
            let join = |n: &str| {
                if base.is_empty() {
                    n.to_string()
                } else if base.ends_with('/') {
                    format!("{base}{n}")
                } else {
                    format!("{base}/{n}")
                }
            };
            if !has_glob {
                let lit = unescape(comp);
                let p = join(&lit);
                if std::fs::symlink_metadata(&p).is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Some(re) = pattern_regex(comp) else {
                continue;
            };
            let Ok(names) = crate::sys::sorted_names(&dir) else {
                continue;
            };
            for n in names {
                if n.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                if re.is_match(&n) {
                    let p = join(&n);
                    if !last && !std::path::Path::new(&p).is_dir() {
                        continue;
                    }
                    next.push(p);
                }
            }
        }
        cur = next;
        if cur.is_empty() {
            break;
        }
    }
    if pat.ends_with('/') {
        cur = cur
            .into_iter()
            .filter(|p| std::path::Path::new(p).is_dir())
            .map(|p| p + "/")
            .collect();
    }
    cur
}
