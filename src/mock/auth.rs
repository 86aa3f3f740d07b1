//! `POST /Auth/ApiLogin` and `/Auth/ApiRefresh`, token expiry and the per-token rate limit.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use super::api::Req;
use super::{ApiError, Sim};

/// Issued tokens and request history.
#[derive(Default)]
pub struct Tokens {
    access: Mutex<HashMap<String, Instant>>,
    refresh: Mutex<HashMap<String, ()>>,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Tokens {
    /// The bearer token of a request, when it is known and not expired.
    pub fn check(&self, headers: &HeaderMap) -> Option<String> {
        let value = headers.get("authorization")?.to_str().ok()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let expires = *self.access.lock().ok()?.get(token.trim())?;
        (Instant::now() < expires).then(|| token.trim().to_string())
    }

    /// Counts a request; `Some(seconds to wait)` when the token is over its limit.
    pub fn throttle(&self, token: &str, limit: u32, window: Duration) -> Option<u64> {
        let now = Instant::now();
        let mut hits = self.hits.lock().ok()?;
        let q = hits.entry(token.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit as usize {
            let oldest = *q.front()?;
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        q.push_back(now);
        None
    }

    fn issue(&self, ttl: Duration) -> Value {
        let access = jwt_like();
        let refresh = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut m) = self.access.lock() {
            m.insert(access.clone(), Instant::now() + ttl);
        }
        if let Ok(mut m) = self.refresh.lock() {
            m.insert(refresh.clone(), ());
        }
        json!({
            "AccessToken": access,
            "RefreshToken": refresh,
            "Error": null,
            "ErrorDescription": null,
            "IsError": false,
            "ExpiresIn": ttl.as_secs(),
            "TokenType": "Bearer",
        })
    }
}

/// A JWT-shaped opaque token (webCRM's access tokens are JWTs).
fn jwt_like() -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64(&format!(
        r#"{{"sub":"api","jti":"{}"}}"#,
        uuid::Uuid::new_v4()
    ));
    let sig = b64(&uuid::Uuid::new_v4().simple().to_string());
    format!("{header}.{payload}.{sig}")
}

/// `POST /Auth/…`.
pub fn endpoint(sim: &Sim, req: &Req<'_>) -> Response {
    match req.segs {
        ["auth", "apilogin"] => {
            let code = field(req, "authCode");
            if code.as_deref() == Some(sim.cfg.app_token.as_str()) {
                super::json_response(StatusCode::OK, &sim.auth.issue(sim.cfg.token_ttl))
            } else {
                failed(if code.is_some() {
                    "The application token is not valid"
                } else {
                    "authCode is missing"
                })
            }
        }
        ["auth", "apirefresh"] => {
            let token = field(req, "refreshToken");
            let known = token
                .as_ref()
                .is_some_and(|t| sim.auth.refresh.lock().is_ok_and(|m| m.contains_key(t)));
            if known {
                super::json_response(StatusCode::OK, &sim.auth.issue(sim.cfg.token_ttl))
            } else {
                failed("The refresh token is not valid")
            }
        }
        _ => ApiError::not_found(format!("No route for POST {}", req.path)).into_response(),
    }
}

/// A failed login: 400 with the token DTO carrying the error (a documented guess).
fn failed(description: &str) -> Response {
    let body = json!({
        "AccessToken": null, "RefreshToken": null, "Error": "invalid_grant",
        "ErrorDescription": description, "IsError": true, "ExpiresIn": 0, "TokenType": null,
    });
    super::json_response(StatusCode::BAD_REQUEST, &body)
}

/// A form field from a url-encoded or multipart body, or (legacy) a header of that name.
fn field(req: &Req<'_>, name: &str) -> Option<String> {
    let ct = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from_body = if let Some(boundary) = ct.split("boundary=").nth(1) {
        multipart_field(req.body, boundary.trim_matches('"'), name)
    } else {
        url::form_urlencoded::parse(req.body)
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.into_owned())
    };
    from_body.or_else(|| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let delim = format!("--{boundary}");
    text.split(delim.as_str()).find_map(|part| {
        let (head, value) = part
            .split_once("\r\n\r\n")
            .or_else(|| part.split_once("\n\n"))?;
        let wanted = format!("name=\"{}\"", name.to_ascii_lowercase());
        head.to_ascii_lowercase()
            .contains(&wanted)
            .then(|| value.trim_end_matches(['\r', '\n']).to_string())
    })
}
