//! The webCRM simulator, driven directly over HTTP (`runner mock` as a real process) and
//! through the collections (`runner run … --mock`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::{Value, json};

use crate::support::{output, runner, temp_dir};

const APP_TOKEN: &str = "00000000-0000-4000-8000-000000000001";

/// `runner mock --port 0 …` as a child process; killed on drop.
struct Mock {
    child: Child,
    url: String,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Mock {
    fn start(args: &[&str]) -> Self {
        let dir = temp_dir("mock");
        let mut child = runner(&dir)
            .args(["mock", "--port", "0"])
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("simulator prints its URL")
            .to_string();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self {
            child,
            url,
            rt,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a request; returns status, headers and body (parsed when JSON).
    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let url = format!("{}{}", self.url, path);
        self.rt.block_on(async {
            let mut rb = self.http.request(method.parse().unwrap(), &url);
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            }
            if let Some(b) = body {
                rb = rb
                    .header("content-type", "application/json")
                    .body(b.to_string());
            }
            let resp = rb.send().await.unwrap();
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let text = resp.text().await.unwrap();
            let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
            (status, headers, v)
        })
    }

    fn login(&self) -> Value {
        let url = format!("{}/Auth/ApiLogin", self.url);
        self.rt.block_on(async {
            let resp = self
                .http
                .post(&url)
                .form(&[("authCode", APP_TOKEN)])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            serde_json::from_str::<Value>(&resp.text().await.unwrap()).unwrap()
        })
    }

    fn token(&self) -> String {
        self.login()["AccessToken"].as_str().unwrap().to_string()
    }
}

#[test]
fn login_token_expiry_and_refresh() {
    let m = Mock::start(&["--token-ttl", "1s"]);
    let login = m.login();
    assert_eq!(login["IsError"], false);
    assert_eq!(login["ExpiresIn"], 1);
    let token = login["AccessToken"].as_str().unwrap();
    assert_eq!(m.call("GET", "/Persons/1", Some(token), None).0, 200);
    assert_eq!(
        m.call("GET", "/Persons/1", None, None),
        (
            401,
            m.call("GET", "/Persons/1", None, None).1,
            Value::String(String::new())
        )
    );
    assert_eq!(m.call("GET", "/Persons/1", Some("nope"), None).0, 401);
    std::thread::sleep(std::time::Duration::from_millis(1300));
    let (status, _, body) = m.call("GET", "/Persons/1", Some(token), None);
    assert_eq!(
        (status, body),
        (401, Value::String(String::new())),
        "expired tokens get 401 with an empty body"
    );
    // The refresh token gives a new access token.
    let url = format!("{}/Auth/ApiRefresh", m.url);
    let refreshed: Value = serde_json::from_str(&m.rt.block_on(async {
        m.http
            .post(&url)
            .form(&[("refreshToken", login["RefreshToken"].as_str().unwrap())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }))
    .unwrap();
    let t2 = refreshed["AccessToken"].as_str().unwrap();
    assert_eq!(m.call("GET", "/Persons/1", Some(t2), None).0, 200);
    // A wrong application token is refused.
    let url = format!("{}/Auth/ApiLogin", m.url);
    let status = m.rt.block_on(async {
        m.http
            .post(&url)
            .form(&[("authCode", "wrong")])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 400);
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let m = Mock::start(&["--rate-limit", "5", "--rate-window", "2s"]);
    let t = m.token();
    for _ in 0..5 {
        assert_eq!(m.call("GET", "/Persons/1", Some(&t), None).0, 200);
    }
    let (status, headers, body) = m.call("GET", "/Persons/1", Some(&t), None);
    assert_eq!(status, 429);
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait));
    assert_eq!(body["RetryAfterSeconds"], wait);
    assert_eq!(body["Type"], "TooManyRequestsException");
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("The request was throttled")
    );
    // Another token has its own budget.
    let t2 = m.token();
    assert_eq!(m.call("GET", "/Persons/1", Some(&t2), None).0, 200);
}

#[test]
fn paths_and_query_names_are_case_insensitive_and_lists_page() {
    let m = Mock::start(&[]);
    let t = m.token();
    let (s1, _, a) = m.call("GET", "/persons?page=1&size=3", Some(&t), None);
    let (s2, _, b) = m.call("GET", "/PERSONS?PAGE=1&SIZE=3", Some(&t), None);
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a, b);
    assert_eq!(a.as_array().unwrap().len(), 3);
    assert_eq!(
        m.call("GET", "/Persons?Page=999&Size=10", Some(&t), None).2,
        json!([])
    );
    assert_eq!(
        m.call("GET", "/Persons?Page=0&Size=10", Some(&t), None).0,
        400
    );
    assert_eq!(
        m.call("GET", "/Persons?Page=1&Size=1001", Some(&t), None).0,
        400
    );
    let (status, _, body) = m.call("GET", "/Persons/99999", Some(&t), None);
    assert_eq!(status, 404);
    assert_eq!(body["Type"], "NotFoundException");
}

#[test]
fn creates_return_bare_ids_and_writes_return_empty_bodies() {
    let m = Mock::start(&[]);
    let t = m.token();
    let (status, _, id) = m.call(
        "POST",
        "/Organisations",
        Some(&t),
        Some(json!({"OrganisationId": 0, "OrganisationName": "Acme"})),
    );
    assert_eq!(status, 200);
    let id = id.as_i64().expect("a bare JSON number");
    let (status, _, body) = m.call(
        "PUT",
        &format!("/Organisations/{id}"),
        Some(&t),
        Some(json!({"OrganisationCity": "Odense"})),
    );
    assert_eq!((status, body), (200, Value::String(String::new())));
    let (_, _, org) = m.call("GET", &format!("/Organisations/{id}"), Some(&t), None);
    assert_eq!(
        (
            org["OrganisationName"].as_str(),
            org["OrganisationCity"].as_str()
        ),
        (Some("Acme"), Some("Odense"))
    );
    assert_eq!(org["OrganisationOwner"], 0, "unset ids are 0");
    assert_eq!(
        org["OrganisationVatVerifiedAt"], "0001-01-01T00:00:00+00:00",
        "unset dates"
    );
    assert!(
        regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
            .unwrap()
            .is_match(org["OrganisationCreatedAt"].as_str().unwrap())
    );
    assert_eq!(
        m.call(
            "POST",
            "/Organisations",
            Some(&t),
            Some(json!({"OrganisationId": 5}))
        )
        .0,
        400,
        "ids must be 0 on create"
    );
    assert_eq!(
        m.call(
            "PUT",
            &format!("/Organisations/{id}"),
            Some(&t),
            Some(json!({"OrganisationCustom1": "yes"}))
        )
        .0,
        400,
        "checkboxes are Yes/No"
    );
    assert_eq!(
        m.call("DELETE", &format!("/Organisations/{id}"), Some(&t), None)
            .0,
        200
    );
    assert_eq!(
        m.call("GET", &format!("/Organisations/{id}"), Some(&t), None)
            .0,
        404
    );
}

#[test]
fn queries_run_selects_and_refuse_everything_else() {
    let m = Mock::start(&[]);
    let t = m.token();
    let q = |script: &str| {
        let enc: String = url::form_urlencoded::byte_serialize(script.as_bytes()).collect();
        m.call(
            "GET",
            &format!("/Queries?script={enc}&Page=1&Size=500"),
            Some(&t),
            None,
        )
    };
    let (status, _, rows) = q("SELECT PersonId, PersonCreatedAt FROM Person ORDER BY PersonId");
    assert_eq!(status, 200);
    assert!(rows.as_array().unwrap().len() >= 20);
    assert!(
        rows[0]["PersonCreatedAt"].as_f64().unwrap() > 40000.0,
        "dates are OLE Automation dates"
    );
    let (_, _, rows) = q(
        "SELECT * FROM LinkedData WHERE LinkedDataItemEntityType = 7 AND QuotationLineLinkedDataItemData1 = 'P-300'",
    );
    assert_eq!(
        rows[0]["QuotationLineLinkedDataItemData2"],
        "IoT temperature sensor"
    );
    for bad in [
        "INSERT INTO Person (PersonName) VALUES ('x')",
        "DELETE FROM Person",
        "DROP TABLE Person",
        "UPDATE Person SET PersonName = 'x'",
        "SELECT 1; DELETE FROM Person",
    ] {
        let (status, _, body) = q(bad);
        assert_eq!(status, 400, "{bad} must be refused");
        assert_eq!(body["Type"], "QueryException");
    }
    assert_eq!(
        q("SELECT COUNT(*) AS n FROM Person").2[0]["n"],
        rows_count(&m, &t)
    );
}

fn rows_count(m: &Mock, t: &str) -> Value {
    let all = m.call("GET", "/Persons?Page=1&Size=1000", Some(t), None).2;
    json!(all.as_array().unwrap().len())
}

#[test]
fn quotation_lines_copy_from_the_catalogue_when_linked_data_is_on() {
    let m = Mock::start(&["--linked-data", "on"]);
    let t = m.token();
    let line = json!({"QuotationLineId": 0, "QuotationLineOpportunityId": 158, "QuotationLineData1": "own", "QuotationLinePrice": 1.0});
    let (status, _, body) = m.call("POST", "/QuotationLines", Some(&t), Some(line.clone()));
    assert_eq!(status, 400);
    assert_eq!(body["Message"], "Possible quotation not found");
    let mut item = json!({"QuotationLineLinkedDataItemId": 0, "QuotationLineLinkedDataItemPrice": 99.5, "QuotationLineLinkedDataItemCostPrice": 40.0, "QuotationLineLinkedDataItemDataMemo": "memo"});
    for i in 1..=9 {
        item[format!("QuotationLineLinkedDataItemData{i}")] = json!(format!("d{i}"));
    }
    let mut empty_item = item.clone();
    empty_item["QuotationLineLinkedDataItemData5"] = json!("");
    assert_eq!(
        m.call(
            "POST",
            "/QuotationLines/LinkedData",
            Some(&t),
            Some(empty_item)
        )
        .0,
        400,
        "Data1..9 must not be empty"
    );
    let (_, _, item_id) = m.call("POST", "/QuotationLines/LinkedData", Some(&t), Some(item));
    let mut linked = line.clone();
    linked["QuotationLineLinkedDataId"] = item_id.clone();
    let (status, _, line_id) = m.call("POST", "/QuotationLines", Some(&t), Some(linked));
    assert_eq!(status, 200);
    let (_, _, got) = m.call("GET", &format!("/QuotationLines/{line_id}"), Some(&t), None);
    for i in 1..=9 {
        assert_eq!(got[format!("QuotationLineData{i}")], format!("d{i}"));
    }
    assert_eq!(
        (
            got["QuotationLinePrice"].as_f64(),
            got["QuotationLineCostPrice"].as_f64()
        ),
        (Some(99.5), Some(40.0))
    );
    assert!(
        got.get("QuotationLineLinkedDataId").is_none(),
        "reads return QuotationLineDto without the linked id"
    );
    let (_, _, lines) = m.call(
        "GET",
        "/Deliveries/158/QuotationLines?Page=1&Size=1000",
        Some(&t),
        None,
    );
    assert!(
        lines
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["QuotationLineId"] == line_id)
    );
    assert_eq!(
        m.call("GET", "/Opportunities/99999/QuotationLines", Some(&t), None)
            .0,
        404
    );
    let (_, _, setup) = m.call("GET", "/QuotationLines/LinkedSetup", Some(&t), None);
    assert_eq!(setup["QuotationLineLinkedSetupEntityType"], "Product");
}

#[test]
fn quotation_lines_take_their_own_data_when_linked_data_is_off() {
    let m = Mock::start(&["--linked-data", "off"]);
    let t = m.token();
    let line = json!({"QuotationLineId": 0, "QuotationLineOpportunityId": 158, "QuotationLineData1": "own", "QuotationLinePrice": 12.5});
    let (status, _, id) = m.call("POST", "/QuotationLines", Some(&t), Some(line));
    assert_eq!(status, 200);
    let (_, _, got) = m.call("GET", &format!("/QuotationLines/{id}"), Some(&t), None);
    assert_eq!(
        (
            got["QuotationLineData1"].as_str(),
            got["QuotationLinePrice"].as_f64()
        ),
        (Some("own"), Some(12.5))
    );
    let bad = json!({"QuotationLineId": 7, "QuotationLineOpportunityId": 158});
    assert_eq!(
        m.call("POST", "/QuotationLines", Some(&t), Some(bad)).0,
        400,
        "QuotationLineId must be 0 when creating"
    );
    let linked = json!({"QuotationLineId": 0, "QuotationLineOpportunityId": 158, "QuotationLineLinkedDataId": 1});
    assert_eq!(
        m.call("POST", "/QuotationLines", Some(&t), Some(linked)).0,
        400
    );
}

#[test]
fn seed_data_file_and_database_file() {
    let dir = temp_dir("seed");
    let seed = crate::support::write(
        &dir,
        "seed.yaml",
        "Person:\n  - PersonId: 500\n    PersonFirstName: Seeded\n    PersonName: Seeded Person\n",
    );
    let db = dir.join("sim.db");
    let m = Mock::start(&[
        "--seed-data",
        seed.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let t = m.token();
    let (status, _, p) = m.call("GET", "/Persons/500", Some(&t), None);
    assert_eq!(
        (status, p["PersonName"].as_str()),
        (200, Some("Seeded Person"))
    );
    assert!(db.exists());
}

/// Every object the simulator returns has exactly the field names and JSON types of its
/// definition in webCRM's Swagger file.
#[test]
fn responses_match_the_swagger_definitions() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/webcrm/webcrm-swagger-v1-2019-09.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        if std::env::var_os("RUNNER_SKIP_SHARED").is_some() {
            eprintln!("skipped: {} is absent", path.display());
            return;
        }
        panic!(
            "{} is absent: this test needs webCRM's Swagger file from ../shared (set RUNNER_SKIP_SHARED=1 to skip)",
            path.display()
        );
    };
    let swagger: Value = serde_json::from_str(&text).unwrap();
    let defs = &swagger["definitions"];
    let m = Mock::start(&[]);
    let login = m.login();
    let t = login["AccessToken"].as_str().unwrap().to_string();
    let mut checked = vec![conforms(defs, "TokenResponseDto", &login)];
    for (dto, path) in [
        ("PersonDto", "/Persons/1"),
        ("OrganisationDto", "/Organisations/1"),
        ("OpportunityDto", "/Opportunities/120"),
        ("DeliveryDto", "/Deliveries/158"),
        ("QuotationLineDto", "/QuotationLines/49"),
        (
            "QuotationLineLinkedDataItemDto",
            "/QuotationLines/LinkedData/1",
        ),
        ("QuotationLineLinkedSetupDto", "/QuotationLines/LinkedSetup"),
    ] {
        let (status, _, v) = m.call("GET", path, Some(&t), None);
        assert_eq!(status, 200, "{path}");
        checked.push(conforms(defs, dto, &v));
    }
    for (dto, path) in [
        ("PersonDto", "/Persons"),
        ("QuotationLineDto", "/QuotationLines"),
        (
            "QuotationLineLinkedDataItemDto",
            "/QuotationLines/LinkedData",
        ),
    ] {
        let (_, _, list) = m.call("GET", path, Some(&t), None);
        for item in list.as_array().unwrap() {
            checked.push(conforms(defs, dto, item));
        }
    }
    assert!(checked.len() > 10);
}

fn conforms(defs: &Value, dto: &str, v: &Value) -> String {
    let props = defs[dto]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{dto} not in the Swagger file"));
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{dto}: not an object: {v}"));
    let want: Vec<&String> = props.keys().collect();
    let got: Vec<&String> = obj.keys().collect();
    let mut w = want.clone();
    let mut g = got.clone();
    w.sort();
    g.sort();
    assert_eq!(g, w, "{dto}: field names differ");
    for (name, p) in props {
        let value = &obj[name];
        let nullable =
            dto == "TokenResponseDto" && matches!(name.as_str(), "Error" | "ErrorDescription");
        let ok = match p["type"].as_str() {
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some("string") => value.is_string() || (nullable && value.is_null()),
            other => panic!("{dto}.{name}: unexpected type {other:?}"),
        };
        assert!(ok, "{dto}.{name}: {value} is not a {}", p["type"]);
        if let Some(options) = p["enum"].as_array() {
            assert!(
                options.contains(value),
                "{dto}.{name}: {value} is not one of {options:?}"
            );
        }
    }
    dto.to_string()
}

#[test]
fn the_collections_pass_against_the_simulator_in_both_linked_data_modes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for mode in ["on", "off"] {
        let out =
            output(runner(root).args(["run", "collections/", "--mock", "--linked-data", mode]));
        assert_eq!(out.code, 0, "linked data {mode}:\n{}", out.all());
        assert!(out.stdout.contains("all 3 collections"), "{}", out.stdout);
    }
    let out = output(runner(root).args(["run", "collections/quotation.yaml", "--mock"]));
    insta::assert_snapshot!("quotation_linked_on", out.stdout);
    let out = output(runner(root).args([
        "run",
        "collections/quotation.yaml",
        "--mock",
        "--linked-data",
        "off",
    ]));
    insta::assert_snapshot!("quotation_linked_off", out.stdout);
}

#[test]
fn the_collections_validate_and_need_the_token_from_the_environment_for_the_real_api() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = output(runner(root).args(["validate", "collections/", "--mock"]));
    assert_eq!(out.code, 0, "{}", out.all());
    let out =
        output(runner(root).args(["validate", "collections/", "-e", "environments/webcrm.yaml"]));
    assert_eq!(out.code, 0, "{}", out.all());
    // Against the real API without WEBCRM_APP_TOKEN: invalid input, nothing sent, a clear message.
    let out = output(runner(root).args([
        "run",
        "collections/quotation.yaml",
        "-e",
        "environments/webcrm.yaml",
    ]));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout.contains("WEBCRM_APP_TOKEN is not set"),
        "{}",
        out.all()
    );
}

#[test]
fn the_collections_stay_green_under_the_rate_limit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = output(runner(root).args([
        "run",
        "collections/quotation.yaml",
        "--mock",
        "--rate-limit",
        "6",
        "--rate-window",
        "3s",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("× after 429)"), "{}", out.stdout);
}

#[test]
fn environments_mock_yaml_points_at_a_separately_started_simulator() {
    let m = Mock::start(&[]);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = output(runner(root).env("WEBCRM_MOCK_URL", &m.url).args([
        "run",
        "collections/persons.yaml",
        "-e",
        "environments/mock.yaml",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("15 passed"), "{}", out.stdout);
}

#[test]
fn lists_by_organisation_and_json_content_type() {
    let m = Mock::start(&[]);
    let t = m.token();
    let (status, headers, persons) = m.call(
        "GET",
        "/Persons/ByOrganisation/2?Page=1&Size=100",
        Some(&t),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    let persons = persons.as_array().unwrap().clone();
    assert!(!persons.is_empty());
    assert!(persons.iter().all(|p| p["PersonOrganisationId"] == 2));
    let (_, _, same) = m.call(
        "GET",
        "/Organisations/2/Persons?Page=1&Size=100",
        Some(&t),
        None,
    );
    assert_eq!(same, Value::Array(persons));
    assert_eq!(
        m.call("GET", "/Organisations/9999/Persons", Some(&t), None)
            .0,
        404
    );
    let (status, headers, _) = m.call("GET", "/Persons/424242", Some(&t), None);
    assert_eq!(
        (status, headers["content-type"].to_str().unwrap()),
        (404, "application/json; charset=utf-8")
    );
}
