//! TLS end to end, with a CA made in the test (rcgen): the server serves HTTPS from the
//! certificate and key it is given; a device given the organization's CA signs in and
//! syncs over it, and keeps trusting that CA for later syncs. A certificate for another
//! host, an expired one and one from a CA the device was not given are each refused by
//! their own reason; plain HTTP is refused to any computer but this one; and nothing
//! falls back to plain HTTP.

use crate::support::TestDatabase;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
use std::sync::Arc;
use stride_server::demo;
use stride_store::Store;
use stride_sync::{sign_in, signed_in_client, sync, CertificateProblem, Client, ClientError, SyncError};

/// The organization's own CA.
struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn authority(name: &str) -> Authority {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    Authority { pem, issuer: Issuer::new(params, key) }
}

/// A server certificate for `host` (and 127.0.0.1), valid now or expired.
fn server_certificate(ca: &Authority, host: &str, expired: bool) -> (String, String) {
    let mut params = CertificateParams::new(vec![host.to_owned()]).unwrap();
    params.subject_alt_names.push(SanType::IpAddress([127, 0, 0, 1].into()));
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    (params.signed_by(&key, &ca.issuer).unwrap().pem(), key.serialize_pem())
}

/// A sync server serving HTTPS with this certificate; answers its port.
async fn https_server(pool: &sqlx::PgPool, certificate: (String, String)) -> u16 {
    let files = tempfile::tempdir().unwrap();
    let (cert, key) = (files.path().join("server.crt"), files.path().join("server.key"));
    std::fs::write(&cert, certificate.0).unwrap();
    std::fs::write(&key, certificate.1).unwrap();
    let config = stride_server::tls::server_config(&cert, &key).unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let listener = stride_server::ApiListener::Tls(stride_server::tls::TlsListener::new(tcp, config).unwrap());
    let pool = pool.clone();
    let state = stride_server::AppState::new(pool);
    tokio::spawn(async move { stride_server::serve_all(listener, None, state, std::future::pending()).await });
    port
}

fn store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        Store::open(dir.path().join("stride.sqlite3"), std::sync::Arc::new(stride_store::KeptInMemory::new())).unwrap(),
    );
    (dir, store)
}

/// Why a sign-in failed, when it is a refused certificate.
async fn refused(url: &str, ca: Option<&str>) -> Option<CertificateProblem> {
    let (_dir, store) = store();
    match sign_in(
        &store,
        url,
        ca,
        "coordinator@lakeside.example",
        stride_sync::Secret::Password(demo::DEMO_PASSWORD),
        "Laptop",
    )
    .await
    {
        Err(SyncError::Client(ClientError::Certificate { problem, .. })) => Some(problem),
        Err(other) => panic!("{url}: refused for another reason: {other:?}"),
        Ok(_) => panic!("{url}: signed in"),
    }
}

#[tokio::test]
async fn sign_in_and_sync_work_over_https_and_each_bad_certificate_is_refused_by_its_reason() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let lakeside = authority("Lakeside Farms CA");

    // Signed in with the organization's CA, a device syncs, and keeps trusting it.
    let port = https_server(&db.pool, server_certificate(&lakeside, "localhost", false)).await;
    let url = format!("https://localhost:{port}");
    let (_dir, device) = store();
    let (client, me) = sign_in(
        &device,
        &url,
        Some(&lakeside.pem),
        "coordinator@lakeside.example",
        stride_sync::Secret::Password(demo::DEMO_PASSWORD),
        "Laptop",
    )
    .await
    .unwrap();
    assert_eq!(me.email.as_str(), "coordinator@lakeside.example");
    let report = sync(&device, &client, |_| {}).await.unwrap();
    assert!(report.pulled > 700, "the demo arrived over HTTPS: {} rows", report.pulled);
    device.set_server_url(Some(&url)).unwrap();
    let later = signed_in_client(&device, client.token().cloned().unwrap()).unwrap().unwrap();
    sync(&device, &later, |_| {}).await.unwrap();
    let by_address = format!("https://127.0.0.1:{port}");
    assert!(Client::new(&by_address).is_ok(), "an IP address in the certificate is a name too");

    // Without the CA; a certificate for another host; an expired one.
    assert_eq!(refused(&url, None).await, Some(CertificateProblem::UnknownIssuer));
    let elsewhere = https_server(&db.pool, server_certificate(&lakeside, "sync.elsewhere.example", false)).await;
    assert_eq!(
        refused(&format!("https://localhost:{elsewhere}"), Some(&lakeside.pem)).await,
        Some(CertificateProblem::WrongHost)
    );
    let expired = https_server(&db.pool, server_certificate(&lakeside, "localhost", true)).await;
    assert_eq!(
        refused(&format!("https://localhost:{expired}"), Some(&lakeside.pem)).await,
        Some(CertificateProblem::Expired)
    );
    let other = authority("Somebody else's CA");
    assert_eq!(refused(&url, Some(&other.pem)).await, Some(CertificateProblem::UnknownIssuer));

    // Plain HTTP: to this computer only, and never in place of HTTPS.
    for address in ["http://192.0.2.10:8080", "http://sync.lakeside.example", "http://[2001:db8::1]:80"] {
        assert!(matches!(Client::new(address), Err(ClientError::PlainHttp { .. })), "{address}");
    }
    for address in
        ["ftp://localhost", "https://", "sync.lakeside.example", "https://localhost/?x=1", "https://me:pw@localhost"]
    {
        assert!(matches!(Client::new(address), Err(ClientError::BadAddress { .. })), "{address}");
    }
    let (_dir, plain_to_tls) = store();
    let plain = sign_in(
        &plain_to_tls,
        &format!("http://localhost:{port}"),
        None,
        "coordinator@lakeside.example",
        stride_sync::Secret::Password(demo::DEMO_PASSWORD),
        "Laptop",
    )
    .await;
    assert!(matches!(plain, Err(SyncError::Client(ClientError::Unreachable(_)))), "plain HTTP to the TLS port");
    let plain_server = crate::support::spawn_server(&db.pool).await;
    let https_to_plain = plain_server.replace("http://127.0.0.1", "https://localhost");
    let (_dir, tls_to_plain) = store();
    let answer = sign_in(
        &tls_to_plain,
        &https_to_plain,
        Some(&lakeside.pem),
        "coordinator@lakeside.example",
        stride_sync::Secret::Password(demo::DEMO_PASSWORD),
        "Laptop",
    )
    .await;
    assert!(answer.is_err(), "https:// to a plain server does not sign in over HTTP");
    assert!(tls_to_plain.device().organization_id.is_none());
    db.drop().await;
}
