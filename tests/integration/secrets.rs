//! Secrets never appear in any output: not in `-v`, not in failures, not in errors.

use crate::support::{TestServer, output, runner, temp_dir, write};

#[test]
fn secrets_are_masked_in_verbose_output_and_failures() {
    let s = TestServer::start();
    let dir = temp_dir("secrets");
    write(
        &dir,
        "c.yaml",
        r#"
name: secrets
secrets: [app_token, AccessToken]
items:
  - name: Log in
    method: POST
    url: "{{ base }}/login?code={{ app_token }}"
    form: { authCode: "{{ app_token }}" }
    capture: { AccessToken: $.AccessToken }
  - name: Me
    url: "{{ base }}/me"
    auth: { bearer: "{{ AccessToken }}" }
    headers: { X-Echo: "{{ AccessToken }}", Cookie: "session=abc123" }
    expect:
      json:
        $.token_echo: "wrong-{{ AccessToken }}"
"#,
    );
    let out = output(runner(&dir).args([
        "run",
        "c.yaml",
        "-v",
        "--var",
        &format!("base={}", s.url),
        "--var",
        "app_token=app-secret-123",
    ]));
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    for secret in ["app-secret-123", "tok-9f8e7d6c5b4a", "abc123"] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    assert!(
        all.contains("authorization: Bearer ***") || all.contains("Authorization: Bearer ***"),
        "{all}"
    );
    assert!(all.contains("authCode=***"), "{all}");
    // The server did get the real values.
    assert_eq!(s.requests()[0].body, "authCode=app-secret-123");
}

#[test]
fn secrets_from_environment_files_and_process_env_are_masked() {
    let s = TestServer::start();
    let dir = temp_dir("envsecret");
    write(
        &dir,
        "env.yaml",
        "name: test\nvariables:\n  app_token: \"{{ env('APP_TOKEN') }}\"\nsecrets: [app_token]\n",
    );
    write(
        &dir,
        "c.yaml",
        "name: c\nitems:\n  - name: echo\n    method: POST\n    url: \"{{ base }}/echo\"\n    json: { t: \"{{ app_token }}\" }\n    expect: { json: { $.body.t: nope } }\n",
    );
    let out = output(runner(&dir).env("APP_TOKEN", "from-the-process-env").args([
        "run",
        "c.yaml",
        "-v",
        "-e",
        "env.yaml",
        "--var",
        &format!("base={}", s.url),
    ]));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(!out.all().contains("from-the-process-env"), "{}", out.all());
    assert!(s.requests()[0].body.contains("from-the-process-env"));

    let out = output(runner(&dir).args([
        "run",
        "c.yaml",
        "-e",
        "env.yaml",
        "--var",
        &format!("base={}", s.url),
    ]));
    assert_eq!(
        out.code,
        2,
        "an unset env() without default is invalid input: {}",
        out.all()
    );
    assert!(out.stdout.contains("APP_TOKEN is not set"), "{}", out.all());
}
