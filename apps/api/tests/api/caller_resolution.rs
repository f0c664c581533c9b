//! Caller resolution end to end: what `/v1/whoami` answers for each credential.

use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

#[actix_web::test]
async fn an_unknown_host_is_a_401_envelope_with_sign_in_links() {
    let app = TestApp::spawn().await;
    let response = TestResponse::send(app.get("/v1/whoami").on_host("unknown.example"), None).await;
    let body = response.assert_error(401, "UNKNOWN_HOST");
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(body["details"]["credential"], "host");
    assert_eq!(body["details"]["failure"], "unknown_host");
    assert_eq!(
        body["details"]["signInUrl"],
        "http://localhost:3000/sign-in"
    );
    assert_eq!(
        body["details"]["signUpUrl"],
        "http://localhost:3000/sign-up"
    );
}

#[actix_web::test]
async fn a_registered_storefront_resolves_with_storefront_scope_only() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.add_storefront(org, "shop.acme.test").await;

    for host in [
        "shop.acme.test",
        "SHOP.Acme.TEST",
        "shop.acme.test:8443",
        "Shop.Acme.Test.:80",
    ] {
        let response = TestResponse::send(app.get("/v1/whoami").on_host(host), None).await;
        assert_eq!(response.status, 200, "{host}: {}", response.json());
        assert_eq!(
            response.json(),
            json!({
                "kind": "host",
                "organizationId": org.to_string(),
                "scopes": ["storefront"],
                "principalId": "shop.acme.test",
            }),
            "{host}"
        );
    }
}

#[actix_web::test]
async fn each_storefront_resolves_to_its_own_org() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let globex = app.create_org("Globex").await;
    app.add_storefront(acme, "shop.acme.test").await;
    app.add_storefront(globex, "globex.test").await;
    let of = |response: TestResponse| response.json()["organizationId"].clone();
    let acme_seen =
        of(TestResponse::send(app.get("/v1/whoami").on_host("shop.acme.test"), None).await);
    let globex_seen =
        of(TestResponse::send(app.get("/v1/whoami").on_host("globex.test"), None).await);
    assert_eq!(acme_seen, acme.to_string());
    assert_eq!(globex_seen, globex.to_string());
}

#[actix_web::test]
async fn x_forwarded_host_is_ignored_without_trust_proxy() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    app.add_storefront(acme, "shop.acme.test").await;
    let request = app
        .get("/v1/whoami")
        .on_host("unknown.example")
        .insert_header(("x-forwarded-host", "shop.acme.test"));
    TestResponse::send(request, None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
}

#[actix_web::test]
async fn x_forwarded_host_decides_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let acme = app.create_org("Acme").await;
    app.add_storefront(acme, "shop.acme.test").await;
    let request = app
        .get("/v1/whoami")
        .on_host("api.internal")
        .insert_header(("x-forwarded-host", "Shop.Acme.Test:443"));
    let response = TestResponse::send(request, None).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["organizationId"], acme.to_string());
}

/// A present credential decides, even when the host alone would have resolved.
#[actix_web::test]
async fn an_invalid_credential_never_falls_back_to_the_host() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    app.add_storefront(acme, "shop.acme.test").await;
    let cases = [
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_api_key("ck_not_a_real_key_0000"),
            "INVALID_API_KEY",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_api_key(""),
            "INVALID_API_KEY",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_session_cookie("forged.session-value"),
            "INVALID_SESSION",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_bearer("opaque_session_token_0000"),
            "INVALID_SESSION",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_bearer("x"),
            "INVALID_TOKEN",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .insert_header(("authorization", "Basic dXNlcjpwYXNz")),
            "INVALID_TOKEN",
        ),
        (
            app.get("/v1/whoami")
                .on_host("shop.acme.test")
                .with_bearer("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln"),
            "INVALID_TOKEN",
        ),
    ];
    for (request, code) in cases {
        let body = TestResponse::send(request, None)
            .await
            .assert_error(401, code);
        assert!(body["details"]["reason"].is_string(), "{body}");
    }
}

#[actix_web::test]
async fn an_api_key_in_the_query_string_is_not_a_credential() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    app.add_storefront(acme, "shop.acme.test").await;
    let request = app
        .get("/v1/whoami?x-api-key=ck_not_a_real_key_0000&api_key=ck_not_a_real_key_0000")
        .on_host("shop.acme.test");
    let response = TestResponse::send(request, None).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["kind"], "host");
}

#[actix_web::test]
async fn a_credential_header_sent_twice_is_a_400() {
    let app = TestApp::spawn().await;
    let (owner, acme) = app.merchant("dup@example.com", "dup").await;
    app.add_storefront(acme, "shop.dup.test").await;
    let key = app.api_key(&owner, &["admin"]).await;
    let cases = [
        (
            "x-api-key",
            app.get("/v1/whoami")
                .on_host("shop.dup.test")
                .append_header(("x-api-key", key.as_str()))
                .append_header(("x-api-key", key.as_str())),
        ),
        (
            "authorization",
            app.get("/v1/whoami")
                .on_host("shop.dup.test")
                .with_api_key(&key)
                .append_header(("authorization", "Bearer opaque_session_token_0000"))
                .append_header(("authorization", "Bearer opaque_session_token_1111")),
        ),
    ];
    for (header, request) in cases {
        let body = TestResponse::send(request, None)
            .await
            .assert_error(400, "REPEATED_CREDENTIAL");
        assert_eq!(body["details"]["header"], header, "{body}");
    }
    // The session endpoints refuse it too, instead of answering "signed out".
    let session = app
        .get("/api/auth/get-session")
        .with_session_cookie(&owner.cookie)
        .append_header(("authorization", "Bearer opaque_session_token_0000"))
        .append_header(("authorization", "Bearer opaque_session_token_1111"));
    TestResponse::send(session, None)
        .await
        .assert_error(400, "REPEATED_CREDENTIAL");
}

/// Two `Host` lines, written by hand: an HTTP client would never send them. actix-http refuses
/// them itself (RFC 9112 §3.2: a 400, here without a body) before the app sees the request;
/// resolve-caller refuses them too, for a server that would not.
#[actix_web::test]
async fn two_host_headers_are_a_400() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    app.add_storefront(acme, "shop.acme.test").await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    stream
        .write_all(
            b"GET /v1/whoami HTTP/1.1\r\nHost: shop.acme.test\r\nHost: other.example\r\n\
              Connection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

/// Where cookies are `Secure`, the session cookie is `__Host-` prefixed (so that a sibling
/// subdomain cannot plant one), an unprefixed one counts for nothing, and two are refused.
#[actix_web::test]
async fn a_secure_deployment_names_its_cookie_with_the_host_prefix_and_ignores_a_planted_one() {
    let app = TestApp::spawn_with(|settings| {
        settings.api_public_url = "https://api.example.com".to_owned();
    })
    .await;
    let signed_up = TestResponse::send_json(
        app.post("/api/auth/sign-up/email")
            .insert_header(("origin", "http://localhost:3000")),
        serde_json::json!({"email": "ada@x.test", "password": "correct horse battery", "name": "Ada"}),
    )
    .await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.json());
    let set_cookie = signed_up.header("set-cookie").unwrap().to_owned();
    assert!(
        set_cookie.starts_with("__Host-commerce_session="),
        "{set_cookie}"
    );
    for attribute in ["Secure", "HttpOnly", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "{set_cookie}"
    );
    let value = set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_owned())
        .unwrap();

    let session = |cookie: String| {
        TestResponse::send(
            app.get("/api/auth/get-session")
                .insert_header(("cookie", cookie)),
            None,
        )
    };
    let mine = session(format!("__Host-commerce_session={value}")).await;
    assert_eq!(
        mine.json()["user"]["email"],
        "ada@x.test",
        "{}",
        mine.json()
    );
    // The same session under the unprefixed name, as a sibling subdomain could plant it.
    let planted = session(format!("commerce_session={value}")).await;
    assert_eq!(planted.json(), serde_json::Value::Null);
    let twice = session(format!(
        "__Host-commerce_session={value}; __Host-commerce_session=x"
    ))
    .await
    .assert_error(400, "REPEATED_CREDENTIAL");
    assert_eq!(twice["details"]["header"], "cookie", "{twice}");
}
