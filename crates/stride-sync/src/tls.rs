//! Whom the device trusts, and over what: HTTPS to any server, verified against the
//! system's CAs (and an organization's own CA for a self-hosted server, given at
//! sign-in); plain HTTP only to this computer itself (a server run for development or
//! behind a local proxy). A certificate refused is named by why: expired, for another
//! host, or from a CA nobody here trusts. Nothing ever falls back to plain HTTP.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::net::IpAddr;
use std::sync::Arc;

/// Why a server's certificate was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateProblem {
    Expired,
    /// It is valid, but for another host name than the address given.
    WrongHost,
    /// No CA this device trusts signed it (self-signed, or an organization's own CA
    /// not given at sign-in).
    UnknownIssuer,
    /// Anything else rustls refused (revoked, not yet valid, malformed, …).
    Other,
}

impl CertificateProblem {
    pub fn sentence(self) -> &'static str {
        match self {
            CertificateProblem::Expired => "the server's certificate has expired",
            CertificateProblem::WrongHost => "the server's certificate is for another address than this one",
            CertificateProblem::UnknownIssuer => {
                "the server's certificate is not signed by a CA this computer trusts (for a self-hosted server, give the organization's CA file at sign-in)"
            }
            CertificateProblem::Other => "the server's certificate was refused",
        }
    }

    /// Finds the certificate's refusal in a failed request's causes, if that is why.
    pub fn of(error: &(dyn std::error::Error + 'static)) -> Option<Self> {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(error) = cause {
            if let Some(rustls::Error::InvalidCertificate(problem)) = error.downcast_ref::<rustls::Error>() {
                use rustls::CertificateError as C;
                return Some(match problem {
                    C::Expired | C::ExpiredContext { .. } => CertificateProblem::Expired,
                    C::NotValidForName | C::NotValidForNameContext { .. } => CertificateProblem::WrongHost,
                    C::UnknownIssuer => CertificateProblem::UnknownIssuer,
                    _ => CertificateProblem::Other,
                });
            }
            // rustls' error travels wrapped in io::Errors, whose source() skips the
            // error they wrap: step into it instead.
            cause = match error.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
                Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
                None => error.source(),
            };
        }
        None
    }
}

/// The CAs a device trusts: the system's, and perhaps an organization's own.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    organization_cas: Vec<CertificateDer<'static>>,
}

/// A CA file that holds no certificate this device can read.
#[derive(Debug, thiserror::Error)]
#[error("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
pub struct NotCertificates;

impl Trust {
    /// The system's CAs only.
    pub fn system() -> Self {
        Self::default()
    }

    /// The system's CAs and those of this PEM text (an organization's own CA).
    pub fn with_organization_ca(pem: &str) -> Result<Self, NotCertificates> {
        let organization_cas: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<_, _>>().map_err(|_| NotCertificates)?;
        if organization_cas.is_empty() {
            return Err(NotCertificates);
        }
        Ok(Self { organization_cas })
    }

    /// rustls' configuration: these CAs, ring's cryptography, TLS 1.2 and 1.3.
    pub(crate) fn client_config(&self) -> rustls::ClientConfig {
        // The system's CAs are read once a run (every sync makes a client).
        static SYSTEM: std::sync::OnceLock<Vec<CertificateDer<'static>>> = std::sync::OnceLock::new();
        let system = SYSTEM.get_or_init(|| rustls_native_certs::load_native_certs().certs);
        let mut roots = rustls::RootCertStore::empty();
        // A CA this rustls cannot parse is skipped: the others still hold.
        let (_added, _skipped) = roots.add_parsable_certificates(system.iter().cloned());
        let (_added, _skipped) = roots.add_parsable_certificates(self.organization_cas.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|_| unreachable!("ring offers TLS 1.2 and 1.3"))
            .with_root_certificates(roots)
            .with_no_client_auth()
    }
}

/// Makes ring the process's rustls cryptography, for any HTTP client built without a
/// configuration of its own (reqwest panics without one; this crate's clients bring theirs).
pub fn use_ring_by_default() {
    // Already installed: nothing to do.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether plain HTTP may go to this host: only to this computer itself.
pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}
