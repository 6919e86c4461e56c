//! `jq` on jaq (placeholder until the jaq front end lands in the next step).
pub fn main(_args: Vec<std::ffi::OsString>) -> i32 {
    2
}
