//! HTTP calls to the sync server, typed by the API bodies the server shares
//! (`stride_domain::api`). Bodies travel compressed; every server error is read as
//! `{code, message}` and becomes a typed `ClientError`.

mod marketplace;

use crate::tls::{is_loopback, CertificateProblem, Trust};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use stride_domain::api::*;
use stride_domain::staff::*;
use stride_domain::{DeviceId, EntityKind, ErrorCode, Organization, RowKey, UserId};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{url} is not a server address (https://host or http://localhost:port)")]
    BadAddress { url: String },
    #[error(
        "{url} is plain HTTP to another computer: anyone on the network between could read the workers' records \
         and this device's sign-in. Use the server's https:// address (plain http:// is for a server on this computer only)"
    )]
    PlainHttp { url: String },
    #[error("the organization's CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    BadCaFile,
    #[error("the server cannot be reached")]
    Unreachable(#[source] reqwest::Error),
    #[error("{}", problem.sentence())]
    Certificate { problem: CertificateProblem, source: reqwest::Error },
    #[error("the email or the password is wrong")]
    InvalidCredentials,
    #[error("this device is not signed in")]
    Unauthenticated,
    #[error("this device was signed out by an administrator")]
    Revoked,
    #[error("this account was deactivated by an administrator")]
    Deactivated,
    #[error("too many sign-in attempts; try again later")]
    RateLimited,
    #[error("the server refused the request ({code}): {message}")]
    Server { status: u16, code: ErrorCode, message: String },
    #[error("the server's answer could not be read")]
    Decode(#[source] reqwest::Error),
    #[error("the server's page does not line up")]
    BadPage(#[source] MisalignedTable),
    #[error("the download could not be written to this computer")]
    Write(#[source] std::io::Error),
}

/// Redirects are followed (ten at most), but never from https:// to plain http://.
fn never_down_to_http() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let from_https = attempt.previous().iter().any(|url| url.scheme() == "https");
        if from_https && attempt.url().scheme() == "http" {
            attempt.error("an https:// address redirected to plain http://")
        } else if attempt.previous().len() >= 10 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// A request that got no answer: a refused certificate by its reason, else unreachable.
fn unreachable(error: reqwest::Error) -> ClientError {
    match CertificateProblem::of(&error) {
        Some(problem) => ClientError::Certificate { problem, source: error },
        None => ClientError::Unreachable(error),
    }
}

/// A connection to one sync server, signed in or not.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<DeviceToken>,
    /// This installation's id, sent with every signed-in request (`INSTALLATION_HEADER`).
    installation: Option<DeviceId>,
}

impl Client {
    /// A client of the server at `server_url`, trusting the system's CAs.
    pub fn new(server_url: &str) -> Result<Self, ClientError> {
        Self::trusting(server_url, &Trust::system())
    }

    /// A client of the server at `server_url` (https://, or http:// to this computer
    /// only), trusting `trust`'s CAs.
    pub fn trusting(server_url: &str, trust: &Trust) -> Result<Self, ClientError> {
        let bad = || ClientError::BadAddress { url: server_url.to_owned() };
        let base = server_url.trim().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base).map_err(|_| bad())?;
        let host = url.host().ok_or_else(bad)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(ClientError::PlainHttp { url: base }),
            _ => return Err(bad()),
        }
        // A path stays (a server behind a proxy's prefix); a query or a password does not.
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(bad());
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(trust.client_config())
            .redirect(never_down_to_http())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(ClientError::Unreachable)?;
        Ok(Self { http, base, token: None, installation: None })
    }

    pub fn with_token(mut self, token: DeviceToken) -> Self {
        self.token = Some(token);
        self
    }

    /// Sends `installation` with every signed-in request, so a sign-in from before the
    /// server kept installations is bound to this one (the changes of everyone who signs in
    /// here are then theirs).
    pub fn from_installation(mut self, installation: DeviceId) -> Self {
        self.installation = Some(installation);
        self
    }

    pub fn token(&self) -> Option<&DeviceToken> {
        self.token.as_ref()
    }

    pub fn server_url(&self) -> &str {
        &self.base
    }

    fn authorized(&self, request: RequestBuilder) -> Result<RequestBuilder, ClientError> {
        let token = self.token.as_ref().ok_or(ClientError::Unauthenticated)?;
        let request = request.bearer_auth(&token.0);
        Ok(match self.installation {
            Some(installation) => request.header(INSTALLATION_HEADER, installation.to_string()),
            None => request,
        })
    }

    async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ClientError> {
        Self::answered(request).await?.json().await.map_err(ClientError::Decode)
    }

    /// A request answered with no body (204) when it succeeds.
    async fn send_expecting_nothing(request: RequestBuilder) -> Result<(), ClientError> {
        Self::answered(request).await.map(drop)
    }

    /// The answer to `request` when it is a success, else its typed error.
    async fn answered(request: RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let response = request.send().await.map_err(unreachable)?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(Self::error_of(response).await)
    }

    /// The typed error of an answer that is not a success.
    async fn error_of(response: reqwest::Response) -> ClientError {
        let status = response.status();
        let body: ErrorBody = response
            .json()
            .await
            .unwrap_or_else(|_| ErrorBody { code: ErrorCode::Unknown, message: status.to_string() });
        match (status, body.code) {
            (StatusCode::UNAUTHORIZED, ErrorCode::DeviceRevoked) => ClientError::Revoked,
            (StatusCode::UNAUTHORIZED, ErrorCode::UserDeactivated) => ClientError::Deactivated,
            (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials) => ClientError::InvalidCredentials,
            (StatusCode::UNAUTHORIZED, _) => ClientError::Unauthenticated,
            (StatusCode::TOO_MANY_REQUESTS, _) => ClientError::RateLimited,
            _ => ClientError::Server { status: status.as_u16(), code: body.code, message: body.message },
        }
    }

    /// Downloads a media file: a path on this server (`/v1/media/…`, sent with the
    /// device's token) or any other http(s) address. Each chunk goes to `sink` as it
    /// arrives, and `progress` hears (bytes so far, total when the server says).
    pub async fn download(
        &self,
        media_url: &str,
        mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<u64, ClientError> {
        let request = if media_url.starts_with('/') {
            self.authorized(self.http.get(format!("{}{media_url}", self.base)))?
        } else if media_url.starts_with(&format!("{}/", self.base)) {
            self.authorized(self.http.get(media_url))?
        } else {
            self.http.get(media_url)
        };
        // A large file on a slow link takes longer than an API call may.
        let mut response = request.timeout(Duration::from_secs(6 * 60 * 60)).send().await.map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(Self::error_of(response).await);
        }
        let total = response.content_length();
        let mut received = 0u64;
        progress(0, total);
        while let Some(chunk) = response.chunk().await.map_err(ClientError::Unreachable)? {
            sink(&chunk).map_err(ClientError::Write)?;
            received += chunk.len() as u64;
            progress(received, total);
        }
        Ok(received)
    }

    /// Signs in from `installation` (the device's own id, the same for everyone who signs
    /// in on it).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        device_name: &str,
        installation: DeviceId,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            device_name: device_name.to_owned(),
            installation_id: Some(installation),
        };
        Self::send(self.http.post(format!("{}/v1/auth/login", self.base)).json(&body)).await
    }

    /// A member's first sign-in: their set-up code and the password they choose.
    pub async fn set_up(
        &self,
        email: &str,
        code: &str,
        new_password: &str,
        device_name: &str,
        installation: DeviceId,
    ) -> Result<LoginResponse, ClientError> {
        let body = SetUpRequest {
            email: email.to_owned(),
            code: code.to_owned(),
            new_password: new_password.to_owned(),
            device_name: device_name.to_owned(),
            installation_id: Some(installation),
        };
        Self::send(self.http.post(format!("{}/v1/auth/set-up", self.base)).json(&body)).await
    }

    pub async fn change_password(&self, current_password: &str, new_password: &str) -> Result<(), ClientError> {
        let body =
            PasswordChange { current_password: current_password.to_owned(), new_password: new_password.to_owned() };
        let request = self.http.post(format!("{}/v1/me/password", self.base)).json(&body);
        Self::send_expecting_nothing(self.authorized(request)?).await
    }

    /// The organization's staff (its administrators only).
    pub async fn staff(&self) -> Result<Staff, ClientError> {
        Self::send(self.authorized(self.http.get(format!("{}/v1/staff", self.base)))?).await
    }

    pub async fn add_staff(&self, member: &NewStaffMember) -> Result<IssuedSetUpCode, ClientError> {
        Self::send(self.authorized(self.http.post(format!("{}/v1/staff", self.base)))?.json(member)).await
    }

    pub async fn update_staff(&self, user: UserId, update: &StaffUpdate) -> Result<StaffMember, ClientError> {
        let request = self.http.patch(format!("{}/v1/staff/{user}", self.base)).json(update);
        Self::send(self.authorized(request)?).await
    }

    pub async fn issue_set_up_code(&self, user: UserId) -> Result<IssuedSetUpCode, ClientError> {
        let request = self.http.post(format!("{}/v1/staff/{user}/set-up-code", self.base));
        Self::send(self.authorized(request)?).await
    }

    pub async fn update_organization(&self, update: &OrganizationUpdate) -> Result<Organization, ClientError> {
        let request = self.http.patch(format!("{}/v1/organization", self.base)).json(update);
        Self::send(self.authorized(request)?).await
    }

    pub async fn me(&self) -> Result<Me, ClientError> {
        Self::send(self.authorized(self.http.get(format!("{}/v1/me", self.base)))?).await
    }

    pub async fn push(&self, request: &PushRequest) -> Result<PushResponse, ClientError> {
        Self::send(self.authorized(self.http.post(format!("{}/v1/sync/push", self.base)))?.json(request)).await
    }

    /// The page of the organization's rows after `cursor`.
    pub async fn pull(&self, cursor: i64, limit: i64) -> Result<PullResponse, ClientError> {
        Self::send(self.authorized(self.pull_request(cursor, limit))?).await
    }

    /// A page of the device's first sync: tombstones of rows deleted before it began are
    /// left out. `head` is what the first sync's first page reported (None on that page).
    pub async fn pull_first_sync(
        &self,
        cursor: i64,
        limit: i64,
        head: Option<i64>,
    ) -> Result<PullResponse, ClientError> {
        self.pull_holding(cursor, limit, Some(head), None).await
    }

    /// A page for a device that holds `scope` (None: the whole organization; else the
    /// hash a pull gave it, empty when it holds part of the organization but not which):
    /// the first sync's when `first_sync` (with its head, after its first page).
    pub async fn pull_holding(
        &self,
        cursor: i64,
        limit: i64,
        first_sync: Option<Option<i64>>,
        scope: Option<&str>,
    ) -> Result<PullResponse, ClientError> {
        let mut request = self.pull_request(cursor, limit);
        if let Some(head) = first_sync {
            request = request.query(&[("first_sync", "true")]);
            if let Some(head) = head {
                request = request.query(&[("first_sync_head", head)]);
            }
        }
        if let Some(scope) = scope {
            request = request.query(&[("scope", scope)]);
        }
        Self::page(self.authorized(request.query(&[("layout", PageLayout::Columns)]))?).await
    }

    /// The older rows of workers that came into this device's scope.
    pub async fn backfill(&self, request: &BackfillRequest) -> Result<PullResponse, ClientError> {
        Self::page(self.authorized(self.http.post(format!("{}/v1/sync/backfill", self.base)))?.json(request)).await
    }

    /// A page, with its rows unfolded in version order if it came in columns.
    async fn page(request: RequestBuilder) -> Result<PullResponse, ClientError> {
        let mut page: PullResponse = Self::send(request).await?;
        page.unfold_tables().map_err(ClientError::BadPage)?;
        Ok(page)
    }

    /// This device's edits that lost to a concurrent one, after the conflict `after`.
    pub async fn conflicts(&self, after: i64) -> Result<ConflictsResponse, ClientError> {
        let request = self.http.get(format!("{}/v1/sync/conflicts", self.base)).query(&[("after", after)]);
        Self::send(self.authorized(request)?).await
    }

    /// A record's changes and lost values (organization administrators only).
    pub async fn history(&self, entity: EntityKind, key: &RowKey) -> Result<RecordHistory, ClientError> {
        let request = self
            .http
            .get(format!("{}/v1/history", self.base))
            .query(&[("entity", entity.table()), ("key", key.as_str())]);
        Self::send(self.authorized(request)?).await
    }

    fn pull_request(&self, cursor: i64, limit: i64) -> RequestBuilder {
        self.http.get(format!("{}/v1/sync/pull", self.base)).query(&[("cursor", cursor), ("limit", limit)])
    }

    /// Whether the server answers and still knows this device: a cheap probe before
    /// syncing by itself.
    pub async fn is_reachable(&self) -> Result<bool, ClientError> {
        match self.me().await {
            Ok(_) => Ok(true),
            Err(ClientError::Unreachable(_) | ClientError::Decode(_)) => Ok(false),
            Err(ClientError::Server { status, .. }) if status >= 500 => Ok(false),
            Err(other) => Err(other),
        }
    }
}
