//! Postman interop: import (collections, environments), export, round trips, and the real
//! public collections in `../shared/postman-corpus/` (read from there, never copied).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{output, runner, temp_dir, write};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/postman")
        .join(name)
}

fn import(dir: &Path, src: &Path, out: &str) -> crate::support::Output {
    output(
        runner(dir)
            .args(["import", "postman"])
            .arg(src)
            .args(["-o", out]),
    )
}

/// import → export → import gives the same YAML.
fn round_trip(src: &Path) -> String {
    let dir = temp_dir("roundtrip");
    let first = import(&dir, src, "first.yaml");
    assert_eq!(first.code, 0, "{}", first.all());
    let exported =
        output(runner(&dir).args(["export", "postman", "first.yaml", "-o", "exported.json"]));
    assert_eq!(exported.code, 0, "{}", exported.all());
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("exported.json")).unwrap()).unwrap();
    assert!(json["info"]["schema"].as_str().unwrap().contains("v2.1.0"));
    let second = import(&dir, &dir.join("exported.json"), "second.yaml");
    assert_eq!(second.code, 0, "{}", second.all());
    let a = std::fs::read_to_string(dir.join("first.yaml")).unwrap();
    let b = std::fs::read_to_string(dir.join("second.yaml")).unwrap();
    assert_eq!(a, b, "round trip changed the YAML of {}", src.display());
    let v = output(runner(&dir).args(["validate", "first.yaml"]));
    assert_eq!(v.code, 0, "{}", v.all());
    a
}

#[test]
fn request_mappings() {
    let yaml = round_trip(&fixture("mappings.postman_collection.json"));
    insta::assert_snapshot!("postman_mappings", yaml);
}

#[test]
fn script_patterns() {
    let yaml = round_trip(&fixture("scripts.postman_collection.json"));
    insta::assert_snapshot!("postman_scripts", yaml);
}

#[test]
fn legacy_v2_0_collections() {
    let yaml = round_trip(&fixture("legacy-v2.0.postman_collection.json"));
    insta::assert_snapshot!("postman_legacy_v2_0", yaml);
}

#[test]
fn the_import_report_lists_counts_and_untranslated_lines() {
    let dir = temp_dir("report");
    let out = import(&dir, &fixture("scripts.postman_collection.json"), "s.yaml");
    insta::assert_snapshot!(out.stderr, @r#"
    imported 0 folders, 3 requests; 6 captures and 15 assertions from scripts
    script lines: 21 translated, 3 kept as comments
    untranslated script lines (kept as `# postman …` comments), first of each:
      pm.* setters and expectations: pm.environment.set("started", Date.now()); (+1 more)
      legacy sandbox: if (responseCode.code !== 200) { console.log('odd'); }
    warning: variable `user-id` renamed to `user_id` (template names use letters, digits and _)
    wrote s.yaml
    "#);
}

#[test]
fn the_webcrm_style_login_script_becomes_a_capture_and_runs_against_the_simulator() {
    let dir = temp_dir("webcrm-import");
    let out = import(
        &dir,
        &fixture("webcrm-login.postman_collection.json"),
        "webcrm.yaml",
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let yaml = std::fs::read_to_string(dir.join("webcrm.yaml")).unwrap();
    assert!(
        yaml.contains("capture:\n      AccessToken: $.AccessToken"),
        "{yaml}"
    );
    let run = output(runner(&dir).args(["run", "webcrm.yaml", "--mock"]));
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("2 passed"), "{}", run.stdout);
}

#[test]
fn environments_import_with_secrets() {
    let dir = temp_dir("env-import");
    let out = output(
        runner(&dir)
            .args(["import", "postman-env"])
            .arg(fixture("env.postman_environment.json"))
            .args(["-o", "environments/sandbox.yaml"]),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let yaml = std::fs::read_to_string(dir.join("environments/sandbox.yaml")).unwrap();
    insta::assert_snapshot!("postman_env", yaml);
    write(
        &dir,
        "c.yaml",
        "name: c\nitems:\n  - name: a\n    url: \"{{ nested }}/x?k={{ api_key }}\"\n",
    );
    let v = output(runner(&dir).args(["validate", "c.yaml", "-e", "environments/sandbox.yaml"]));
    assert_eq!(v.code, 0, "{}", v.all());
}

#[test]
fn exported_collections_carry_captures_and_assertions_as_scripts() {
    let dir = temp_dir("export");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = output(
        runner(root)
            .args(["export", "postman", "collections/persons.yaml", "-o"])
            .arg(dir.join("persons.json")),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("persons.json")).unwrap()).unwrap();
    let text = json.to_string();
    assert!(
        text.contains(r#"pm.environment.set(\"AccessToken\", pm.response.json().AccessToken);"#),
        "{text}"
    );
    assert!(text.contains("pm.response.to.have.status(200)"));
    assert_eq!(
        json["item"][0]["name"], "webCRM login",
        "includes become folders"
    );
    assert!(
        out.stderr.contains("`when`"),
        "what Postman cannot express is reported: {}",
        out.stderr
    );
    // Bad input is refused with the located error.
    write(
        &dir,
        "bad.yaml",
        "name: x\nitems:\n  - name: a\n    url: http://x\n    expect: { statsu: 200 }\n",
    );
    let bad = output(runner(&dir).args(["export", "postman", "bad.yaml"]));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.yaml:5:15"), "{}", bad.stderr);
}

#[test]
fn bad_postman_files_are_refused_clearly() {
    let dir = temp_dir("bad-postman");
    write(&dir, "broken.json", "{\"info\": ");
    let out = output(runner(&dir).args(["import", "postman", "broken.json"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("broken.json:1:9: not valid JSON"),
        "{}",
        out.stderr
    );
    write(&dir, "other.json", "{\"openapi\": \"3.0.0\"}");
    let out = output(runner(&dir).args(["import", "postman", "other.json"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a Postman collection"),
        "{}",
        out.stderr
    );
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/postman-corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        if std::env::var_os("RUNNER_SKIP_SHARED").is_some() {
            eprintln!("skipped: {} is absent", dir.display());
            return None;
        }
        panic!(
            "{} is absent: these tests read the Postman corpus from ../shared (set RUNNER_SKIP_SHARED=1 to skip)",
            dir.display()
        );
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".json"))
        .collect();
    files.sort();
    Some(files)
}

fn count_requests(items: &Value) -> usize {
    items.as_array().map_or(0, |a| {
        a.iter()
            .map(|i| {
                if i["item"].is_array() {
                    count_requests(&i["item"])
                } else {
                    1
                }
            })
            .sum()
    })
}

/// Every corpus collection imports, validates, keeps its request count, round-trips; every
/// environment imports. Nothing derived from the corpus is committed (no snapshots).
#[test]
fn the_postman_corpus_imports_validates_and_round_trips() {
    let Some(files) = corpus() else { return };
    let mut collections = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let dir = temp_dir("corpus");
        if name.ends_with(".postman_environment.json") {
            let out = output(
                runner(&dir)
                    .args(["import", "postman-env"])
                    .arg(f)
                    .args(["-o", "env.yaml"]),
            );
            assert_eq!(out.code, 0, "{name}: {}", out.all());
            continue;
        }
        collections += 1;
        let src: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let out = import(&dir, f, "c.yaml");
        assert_eq!(out.code, 0, "{name}: {}", out.all());
        let want = count_requests(&src["item"]);
        assert!(
            out.stderr.contains(&format!(" {want} requests;")),
            "{name}: {} requests expected in the report:\n{}",
            want,
            out.stderr
        );
        let v = output(runner(&dir).args(["validate", "c.yaml"]));
        assert_eq!(v.code, 0, "{name} does not validate: {}", v.all());
        assert!(
            v.stdout.contains(&format!(": {want} requests")),
            "{name}: {}",
            v.stdout
        );
        round_trip(f);
        let report = out.stderr.lines().nth(1).unwrap_or("");
        eprintln!("{name}: {want} requests; {report}");
    }
    assert_eq!(collections, 16, "the MANIFEST lists 16 collections");
}
