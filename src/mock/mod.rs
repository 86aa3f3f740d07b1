//! The embedded webCRM simulator: a real HTTP server (axum, on the caller's tokio runtime)
//! that behaves like api.webcrm.com for the parts `runner`'s collections use. What it does
//! and the choices made where webCRM's behaviour is unknown are listed in `docs/simulator.md`.
//!
//! Routing is done by hand after lower-casing the path, because webCRM matches paths and
//! query names without regard to case.

mod api;
mod auth;
pub mod schema;
mod seed;
pub mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::json;

use crate::cli::{MockArgs, SimArgs};
use crate::error::Error;

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Quotation-line linked data (the product catalogue) enabled.
    pub linked_data: bool,
    /// Access-token lifetime.
    pub token_ttl: Duration,
    /// Requests per token per window.
    pub rate_limit: u32,
    /// Sliding window of the rate limit.
    pub rate_window: Duration,
    /// The application token `ApiLogin` accepts.
    pub app_token: String,
    /// SQLite file (memory when absent).
    pub db: Option<PathBuf>,
    /// Extra seed rows (YAML).
    pub seed_data: Option<PathBuf>,
}

impl Config {
    /// From the command line.
    pub fn from_args(a: &SimArgs) -> Result<Self, Error> {
        let linked_data = match a.linked_data.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" => true,
            "off" | "false" | "no" => false,
            other => {
                return Err(Error::Usage(format!(
                    "--linked-data {other:?}: expected on or off"
                )));
            }
        };
        Ok(Self {
            linked_data,
            token_ttl: crate::settings::duration("--token-ttl", &a.token_ttl)?,
            rate_limit: a.rate_limit.max(1),
            rate_window: crate::settings::duration("--rate-window", &a.rate_window)?,
            app_token: a.app_token.clone(),
            db: a.db.clone(),
            seed_data: a.seed_data.clone(),
        })
    }
}

/// A JSON response as ASP.NET Core sends it (`application/json; charset=utf-8`).
pub fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// A webCRM-shaped error: `{"Message": …, "Type": "…Exception"}` (401 has an empty body).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    kind: &'static str,
}

impl ApiError {
    /// 400.
    pub fn bad_request(message: impl Into<String>, kind: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            kind,
        }
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            kind: "NotFoundException",
        }
    }

    /// A database failure (500).
    pub fn db(e: rusqlite::Error) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
            kind: "DatabaseException",
        }
    }

    fn unauthorized() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: String::new(),
            kind: "",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED {
            return (self.status, [("www-authenticate", "Bearer")]).into_response();
        }
        json_response(
            self.status,
            &json!({"Message": self.message, "Type": self.kind}),
        )
    }
}

/// The simulator's state.
pub struct Sim {
    cfg: Config,
    db: Mutex<Connection>,
    auth: auth::Tokens,
}

impl Sim {
    /// Opens the database, creates the tables and seeds them.
    pub fn new(cfg: Config) -> Result<Self, Error> {
        let db = match &cfg.db {
            Some(p) => Connection::open(p),
            None => Connection::open_in_memory(),
        }
        .map_err(|e| Error::Server(format!("simulator database: {e}")))?;
        store::create_tables(&db).map_err(|e| Error::Server(format!("simulator database: {e}")))?;
        seed::seed(&db, cfg.seed_data.as_deref())?;
        Ok(Self {
            auth: auth::Tokens::default(),
            db: Mutex::new(db),
            cfg,
        })
    }
}

/// A simulator running in the background of the current runtime; stops when dropped.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The application token it accepts.
    pub app_token: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the simulator on `addr` in the background.
pub async fn start(cfg: Config, addr: SocketAddr) -> Result<Running, Error> {
    let app_token = cfg.app_token.clone();
    let sim = Arc::new(Sim::new(cfg)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Server(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Server(e.to_string()))?;
    let app = axum::Router::new().fallback(handle).with_state(sim);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Running {
        base_url: format!("http://{local}"),
        app_token,
        task,
    })
}

/// Starts the simulator on 127.0.0.1:0 for a `run --mock`.
pub async fn start_background(args: &SimArgs) -> Result<Running, Error> {
    start(
        Config::from_args(args)?,
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
}

/// `runner mock`: serves until Ctrl-C.
pub async fn serve_forever(args: &MockArgs) -> Result<(), Error> {
    let cfg = Config::from_args(&args.sim)?;
    let linked = cfg.linked_data;
    let running = start(cfg, SocketAddr::from(([127, 0, 0, 1], args.port))).await?;
    eprintln!(
        "webCRM simulator on {} (linked data {}); application token: {}\nPress Ctrl-C to stop.",
        running.base_url,
        if linked { "on" } else { "off" },
        running.app_token
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// One request: auth endpoints, then token check and rate limit, then the API routes.
async fn handle(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_ascii_lowercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let query: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let req = api::Req {
        method: &method,
        segs: &segs,
        query: &query,
        headers: &headers,
        body: &body,
        path: uri.path(),
    };
    if segs.first() == Some(&"auth") && method == Method::POST {
        return auth::endpoint(&sim, &req);
    }
    let token = match sim.auth.check(&headers) {
        Some(t) => t,
        None => return ApiError::unauthorized().into_response(),
    };
    if let Some(wait) = sim
        .auth
        .throttle(&token, sim.cfg.rate_limit, sim.cfg.rate_window)
    {
        return too_many(wait, sim.cfg.rate_limit);
    }
    match api::route(&sim, &req) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn too_many(wait: u64, limit: u32) -> Response {
    let body = json!({
        "RetryAfterSeconds": wait,
        "Message": format!("The request was throttled. The limit of {limit} requests per minute is reached"),
        "Type": "TooManyRequestsException",
    });
    let mut r = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
    if let Ok(v) = axum::http::HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert("retry-after", v);
    }
    r
}
