//! The subcommands: wire settings, loading, the simulator, the runner and reporters together.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::check;
use crate::cli::{Cli, Command, ListArgs, RunArgs, ValidateArgs, VarArgs};
use crate::error::{EXIT_OK, Error};
use crate::http::{Client, ClientOptions};
use crate::model::{Collection, Environment};
use crate::parse;
use crate::report::collect::FileReport;
use crate::report::curl::Curl;
use crate::report::{FanOut, Reporter, terminal::Terminal};
use crate::runner::{RunOptions, Runner};
use crate::settings;
use crate::template::{Templates, Tpl};

/// Names `--mock` provides to collections.
pub const MOCK_VARS: &[&str] = &["base_url", "app_token"];

/// Runs a parsed command line; returns the process exit code. Errors go to stderr.
pub async fn main(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Run(args) => run(args).await,
        Command::Validate(args) => validate(&args),
        Command::List(args) => list(&args),
        Command::Import(args) => import(&args),
        Command::Export(args) => export(&args),
        Command::Mock(args) => crate::mock::serve_forever(&args).await.map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", e.to_string().trim_end());
            e.exit_code()
        }
    }
}

/// Loaded input: environment, collections, all templates.
struct Loaded {
    templates: Templates,
    env: Environment,
    collections: Vec<Collection>,
    cli_vars: IndexMap<String, Value>,
}

fn load(paths: &[std::path::PathBuf], vars: &VarArgs) -> Result<Loaded, Error> {
    let paths = settings::collection_paths(paths)?;
    let cli_vars = settings::cli_vars(&vars.vars)?;
    let mut templates = Templates::new();
    let env = match &vars.env {
        Some(p) => parse::load_environment(p, &mut templates)?,
        None => Environment::default(),
    };
    let mut collections = Vec::new();
    let mut errors = Vec::new();
    for p in &paths {
        match parse::load_collection(p, &mut templates) {
            Ok(c) => collections.push(c),
            Err(Error::Input(d)) => errors.push(*d),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Inputs(errors));
    }
    Ok(Loaded {
        templates,
        env,
        collections,
        cli_vars,
    })
}

fn static_check(l: &Loaded, extra: &[&str]) -> Result<(), Error> {
    let mut outside: HashSet<String> = l.env.variables.keys().cloned().collect();
    outside.extend(l.cli_vars.keys().cloned());
    outside.extend(extra.iter().map(|s| s.to_string()));
    let problems: Vec<_> = l
        .collections
        .iter()
        .flat_map(|c| check::undefined_variables(c, &outside))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Inputs(problems))
    }
}

async fn run(args: RunArgs) -> Result<u8, Error> {
    let mut loaded = load(&args.collections, &args.vars)?;
    let timeout = args
        .timeout
        .as_deref()
        .map(|t| settings::duration("--timeout", t))
        .transpose()?;
    let sim = if args.mock {
        Some(crate::mock::start_background(&args.sim).await?)
    } else {
        None
    };
    if let Some(sim) = &sim {
        let provided = [
            ("base_url", sim.base_url.clone()),
            ("app_token", sim.app_token.clone()),
        ];
        for (k, v) in provided {
            loaded
                .cli_vars
                .entry(k.to_string())
                .or_insert(Value::String(v));
        }
    }
    static_check(&loaded, &[])?;
    let client = Client::new(&ClientOptions {
        insecure: args.insecure,
        timeout,
    })
    .map_err(Error::Usage)?;
    let mut reporters = reporters(&args)?;
    let wants_bodies = args
        .reporters
        .iter()
        .any(|r| r.starts_with("json") || r.starts_with("html"));
    let Loaded {
        templates,
        env,
        collections,
        cli_vars,
    } = loaded;
    let runner = Runner {
        templates: Arc::new(templates),
        client,
        env: Arc::new(env),
        cli_vars,
        options: RunOptions {
            bail: args.bail,
            keep_bodies: args.verbose || args.dry_run || wants_bodies || args.print.is_some(),
            dry_run: args.dry_run,
            reveal: args.reveal_secrets,
            ..RunOptions::default()
        },
    };
    let mut code = EXIT_OK;
    for c in &collections {
        let summary = runner.run(c, 0, &mut reporters).await;
        code = worst(code, summary.exit_code());
        if args.bail && summary.exit_code() != EXIT_OK {
            break;
        }
    }
    if let Err(e) = reporters.finish() {
        eprintln!("error: writing a report failed: {e}");
        code = worst(code, crate::error::EXIT_INVALID);
    }
    drop(sim);
    Ok(code)
}

/// The terminal report, `--print curl`, and the `--reporter` files (created now, so a bad
/// path fails before anything is sent).
fn reporters(args: &RunArgs) -> Result<FanOut, Error> {
    let stdout = std::io::stdout();
    let live = stdout.is_terminal();
    let colour = live && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = FanOut::default();
    if args.print.as_deref() == Some("curl") {
        // stdout carries only the commands (pipe them into a script); the report goes to stderr.
        out.reporters
            .push(Box::new(Curl::new(std::io::BufWriter::new(stdout))));
        let stderr = std::io::stderr();
        let live = stderr.is_terminal();
        let colour = live && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        out.reporters
            .push(Box::new(Terminal::new(stderr, colour, args.verbose, live)));
    } else {
        let terminal = Terminal::new(std::io::BufWriter::new(stdout), colour, args.verbose, live);
        out.reporters.push(Box::new(terminal));
    }
    for spec in &args.reporters {
        let (name, path) = match spec.split_once('=') {
            Some((n, p)) => (n, Some(p)),
            None => (spec.as_str(), None),
        };
        let (format, default) = crate::report::format(name).ok_or_else(|| {
            Error::Usage(format!(
                "--reporter {spec:?}: unknown reporter `{name}` (use junit, json or html)"
            ))
        })?;
        let path = std::path::PathBuf::from(path.filter(|p| !p.is_empty()).unwrap_or(default));
        let report = FileReport::create(format, path.clone()).map_err(|e| {
            Error::Usage(format!(
                "--reporter {spec}: cannot write {}: {e}",
                path.display()
            ))
        })?;
        out.reporters.push(Box::new(report));
    }
    Ok(out)
}

/// 3 wins over 2 over 1 over 0.
fn worst(a: u8, b: u8) -> u8 {
    a.max(b)
}

fn validate(args: &ValidateArgs) -> Result<u8, Error> {
    let loaded = load(&args.collections, &args.vars)?;
    let extra: &[&str] = if args.mock { MOCK_VARS } else { &[] };
    static_check(&loaded, extra)?;
    for c in &loaded.collections {
        println!(
            "ok: {} ({}): {} requests",
            c.name,
            c.file.name(),
            c.requests.len()
        );
    }
    Ok(EXIT_OK)
}

fn list(args: &ListArgs) -> Result<u8, Error> {
    let loaded = load(
        &args.collections,
        &VarArgs {
            env: None,
            vars: vec![],
        },
    )?;
    let mut out = String::new();
    for c in &loaded.collections {
        out.push_str(&format!("{} ({})\n", c.name, c.file.name()));
        let mut open: Vec<String> = Vec::new();
        for r in &c.requests {
            let common = open
                .iter()
                .zip(&r.folder)
                .take_while(|(a, b)| a == b)
                .count();
            open.truncate(common);
            for f in &r.folder[common..] {
                out.push_str(&format!("{}{}/\n", "  ".repeat(open.len() + 1), f));
                open.push(f.clone());
            }
            let url = match &r.url {
                Tpl::Str(s) | Tpl::Native(s) => s.text.clone(),
                Tpl::Lit(v) => crate::template::value_to_text(v.clone()),
                _ => String::new(),
            };
            out.push_str(&format!(
                "{}{:<7} {}  {}\n",
                "  ".repeat(open.len() + 1),
                r.method,
                r.name,
                url
            ));
        }
    }
    print!("{out}");
    Ok(EXIT_OK)
}

fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<(), Error> {
    match path {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                    path: dir.to_path_buf(),
                    source: e,
                })?;
            }
            std::fs::write(p, text).map_err(|e| Error::Io {
                path: p.to_path_buf(),
                source: e,
            })
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn import(args: &crate::cli::ImportArgs) -> Result<u8, Error> {
    let bytes = std::fs::read(&args.file).map_err(|e| Error::Io {
        path: args.file.clone(),
        source: e,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        Error::Usage(format!(
            "{}:{}:{}: not valid JSON: {e}",
            args.file.display(),
            e.line(),
            e.column()
        ))
    })?;
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let result = if args.kind == "postman-env" {
        crate::postman::import::environment(&doc, &source)
    } else {
        crate::postman::import::collection(&doc, &source)
    };
    let (yaml, report) =
        result.map_err(|e| Error::Usage(format!("{}: {e}", args.file.display())))?;
    write_output(args.output.as_deref(), &yaml)?;
    eprint!("{}", report.render());
    if let Some(p) = &args.output {
        eprintln!("wrote {}", p.display());
    }
    Ok(EXIT_OK)
}

fn export(args: &crate::cli::ExportArgs) -> Result<u8, Error> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| Error::Io {
        path: args.file.clone(),
        source: e,
    })?;
    let file = crate::source::SourceFile::new(&args.file, text);
    let (json, warnings) = crate::postman::export::collection(file)?;
    let mut out = serde_json::to_string_pretty(&json).unwrap_or_default();
    out.push('\n');
    write_output(args.output.as_deref(), &out)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(EXIT_OK)
}
