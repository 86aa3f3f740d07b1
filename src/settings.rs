//! Command line → settings: resolved collection paths, variables, timeouts. No clap below this.

use std::path::{Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::Value;

use crate::error::Error;

/// Expands directories into their `*.yaml` / `*.yml` files, in name order.
pub fn collection_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::Io {
                    path: p.clone(),
                    source: e,
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && is_yaml(f))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: the directory holds no *.yaml collection",
                    p.display()
                )));
            }
            out.extend(files);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Error::Usage(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    Ok(out)
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// `--var KEY=VALUE` pairs; values are plain strings.
pub fn cli_vars(pairs: &[String]) -> Result<IndexMap<String, Value>, Error> {
    let mut out = IndexMap::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--var {p:?}: expected KEY=VALUE")))?;
        let k = k.trim();
        if !crate::template::is_identifier(k) {
            return Err(Error::Usage(format!(
                "--var {p:?}: `{k}` is not a valid variable name (letters, digits, _)"
            )));
        }
        out.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(out)
}

/// A duration flag such as `500ms` or `30s`.
pub fn duration(flag: &str, text: &str) -> Result<Duration, Error> {
    humantime::parse_duration(text.trim()).map_err(|_| {
        Error::Usage(format!(
            "{flag} {text:?}: expected a duration such as 500ms, 30s or 1h"
        ))
    })
}
