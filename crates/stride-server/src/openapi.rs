//! The API's OpenAPI document, generated from the handlers' declarations
//! (`#[utoipa::path]` beside each) and the domain's types, so it cannot drift from what
//! the server does. Served at GET /v1/openapi.json; committed as
//! crates/stride-server/openapi.json for readers, and a test keeps that copy current.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stride sync server",
        version = "1",
        description = "Sign-in and organization-scoped sync for Stride devices. Every error is JSON {code, message} \
            (codes: invalid_request, unauthenticated, invalid_credentials, device_revoked, rate_limited, forbidden, \
            not_found, method_not_allowed, too_large, unsupported_media_type, internal). Request and response bodies \
            may be compressed (gzip or zstd); requests are limited to 8 MiB after decompression. Every route except \
            sign-in and this document needs `Authorization: Bearer <device token>`; a revoked device gets 401 with \
            code device_revoked."
    ),
    paths(
        crate::routes::login,
        crate::routes::me,
        crate::push::push,
        crate::pull::pull,
        crate::conflicts::mine,
        crate::history::record_history,
        crate::media::get,
        crate::routes::openapi,
    ),
    modifiers(&DeviceToken)
)]
struct ApiDoc;

/// The bearer token a device gets at sign-in; and no tags (utoipa tags each route by
/// its Rust module, which says nothing to a client).
struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                operation.tags = None;
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document, as served and committed.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_document_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let generated = super::document() + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).expect("write the document");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == generated, "openapi.json is stale: run `make openapi` and commit the result");
    }
}
