//! HTTP calls to the sync server, typed by the API bodies the server shares
//! (`stride_domain::api`). Bodies travel compressed; every server error is read as
//! `{code, message}` and becomes a typed `ClientError`.

use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use stride_domain::api::*;
use stride_domain::{EntityKind, ErrorCode, RowKey};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{url} is not a server address (http://host:port)")]
    BadAddress { url: String },
    #[error("the server cannot be reached")]
    Unreachable(#[source] reqwest::Error),
    #[error("the email or the password is wrong")]
    InvalidCredentials,
    #[error("this device is not signed in")]
    Unauthenticated,
    #[error("this device was signed out by an administrator")]
    Revoked,
    #[error("too many sign-in attempts; try again later")]
    RateLimited,
    #[error("the server refused the request ({code}): {message}")]
    Server { status: u16, code: ErrorCode, message: String },
    #[error("the server's answer could not be read")]
    Decode(#[source] reqwest::Error),
    #[error("the download could not be written to this computer")]
    Write(#[source] std::io::Error),
}

/// A connection to one sync server, signed in or not.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<DeviceToken>,
}

impl Client {
    pub fn new(server_url: &str) -> Result<Self, ClientError> {
        let base = server_url.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < 10 {
            return Err(ClientError::BadAddress { url: server_url.to_owned() });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(ClientError::Unreachable)?;
        Ok(Self { http, base, token: None })
    }

    pub fn with_token(mut self, token: DeviceToken) -> Self {
        self.token = Some(token);
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
        Ok(request.bearer_auth(&token.0))
    }

    async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(ClientError::Unreachable)?;
        if response.status().is_success() {
            return response.json().await.map_err(ClientError::Decode);
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
        let mut response =
            request.timeout(Duration::from_secs(6 * 60 * 60)).send().await.map_err(ClientError::Unreachable)?;
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

    pub async fn login(&self, email: &str, password: &str, device_name: &str) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            device_name: device_name.to_owned(),
        };
        Self::send(self.http.post(format!("{}/v1/auth/login", self.base)).json(&body)).await
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
        let mut request = self.pull_request(cursor, limit).query(&[("first_sync", "true")]);
        if let Some(head) = head {
            request = request.query(&[("first_sync_head", head)]);
        }
        Self::send(self.authorized(request)?).await
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
