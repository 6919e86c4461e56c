//! Nothing to link: this crate's build script builds the guest tool module (`../guest-tools`,
//! for `wasm32-wasip1`) and hands its path to `rcabox-runtime`'s build script.
