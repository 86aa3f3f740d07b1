//! Postman interop: import collections (v2.0, v2.1) and environments to YAML, export YAML
//! collections back to Postman v2.1.

pub mod emit;
pub mod export;
pub mod import;
pub mod script;
