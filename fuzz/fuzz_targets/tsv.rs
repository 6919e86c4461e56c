//! The snapshot TSV reader: any file (quotes left open, ragged rows, bytes that are not UTF-8,
//! a missing final newline) gives records or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcabox_runtime::snapshot::tsv::TsvReader;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("rcabox-fuzz-tsv-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("x.tsv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(mut r) = TsvReader::open(&path) {
        let mut rec = csv::StringRecord::new();
        let _ = r.header().len();
        while let Ok(true) = r.next_record(&mut rec) {}
    }
});
