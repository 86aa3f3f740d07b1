//! `runner`: a declarative HTTP request runner.
//!
//! The pipeline, one module per step:
//! load ([`yaml`], [`parse`] → [`model`]) → render ([`template`], [`scope`]) → send ([`http`])
//! → capture ([`capture`]) → assert ([`assert`]) → events ([`event`]) → reporters ([`report`]).
//! [`runner`] is the loop that drives them and emits events; only reporters print.
//! [`mock`] is the embedded webCRM simulator.
#![deny(missing_docs)]

pub mod assert;
pub mod capture;
pub mod check;
pub mod cli;
mod commands;
pub mod error;
pub mod event;
pub mod http;
pub mod mock;
pub mod model;
pub mod oadate;
pub mod parse;
pub mod postman;
pub mod prepare;
pub mod redact;
pub mod report;
pub mod runner;
pub mod scope;
pub mod settings;
pub mod source;
pub mod template;
pub mod yaml;

pub use commands::main;
