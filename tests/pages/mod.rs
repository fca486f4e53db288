//! A pull's answer over the wire: compressed as the device takes best (zstd, then gzip,
//! then none), made once for every device that asks for the same page, and the same
//! page whichever way it travels.

use super::*;

async fn raw_pull(device: &Device, accept: Option<&str>) -> (Option<String>, Vec<u8>) {
    let raw = crate::support::http().no_gzip().no_zstd().build().unwrap();
    let mut request = raw
        .get(format!("{}/v1/sync/pull", device.base))
        .query(&[("cursor", 0), ("limit", 10)])
        .bearer_auth(&device.token);
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let encoding = response.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_owned());
    (encoding, response.bytes().await.unwrap().to_vec())
}

/// The page, without the server's time (which says when the answer was made).
fn page_of(json: &[u8]) -> Value {
    let mut page: Value = serde_json::from_slice(json).unwrap();
    page.as_object_mut().unwrap().remove("server_time_ms");
    page
}

#[tokio::test]
async fn a_page_goes_out_compressed_once_for_every_device_and_reads_the_same_every_way() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut writer = Device::sign_in(&base, "coordinator@alpha.example").await;
    let now = Timestamp::now().to_string();
    let org = writer.org();
    let changes = (0..30)
        .map(|n| {
            let id = Uuid::now_v7().to_string();
            writer.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": org, "full_name": format!("Worker {n} with a name long enough to compress"), "custom_attributes": {}, "created_at": now, "updated_at": now}))
        })
        .collect();
    assert!(applied(&writer.push(changes).await));
    let (one, other) = (
        Device::sign_in(&base, "coordinator@alpha.example").await,
        Device::sign_in(&base, "org_admin@alpha.example").await,
    );

    let (plain_encoding, plain) = raw_pull(&one, None).await;
    assert_eq!(plain_encoding, None);
    let page = page_of(&plain);
    assert_eq!(page["rows"].as_array().unwrap().len(), 10);

    let (encoding, zstd_bytes) = raw_pull(&one, Some("gzip, zstd")).await;
    assert_eq!(encoding.as_deref(), Some("zstd"));
    assert!(zstd_bytes.len() < plain.len() / 2, "{} bytes of {}", zstd_bytes.len(), plain.len());
    let (_, theirs) = raw_pull(&other, Some("gzip, zstd")).await;
    assert_eq!(theirs, zstd_bytes, "another device gets the very answer already made");
    let unpacked = crate::support::http().build().unwrap();
    let decoded = unpacked
        .get(format!("{base}/v1/sync/pull"))
        .query(&[("cursor", 0), ("limit", 10)])
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(page_of(&decoded), page, "unpacked by the client the app uses");

    let (encoding, gzip_bytes) = raw_pull(&one, Some("zstd;q=0, gzip")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip_bytes[..]), &mut unzipped).unwrap();
    assert_eq!(page_of(&unzipped), page);
    db.drop().await;
}
