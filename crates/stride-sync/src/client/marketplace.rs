//! The marketplace's calls (`stride_domain::marketplace` holds their bodies): the
//! catalog and a listing's page, publishing and new versions, licenses asked for and
//! decided, copying a licensed version in, updating and forking the copy, and how a
//! listing is used.

use super::{Client, ClientError};
use stride_domain::marketplace::*;
use stride_domain::{LicenseId, ListingId};

impl Client {
    pub async fn catalog(&self, query: &CatalogQuery) -> Result<Catalog, ClientError> {
        let request = self.http.get(format!("{}/v1/marketplace/listings", self.base)).query(query);
        Self::send(self.authorized(request)?).await
    }

    pub async fn listing(&self, id: ListingId) -> Result<ListingDetail, ClientError> {
        Self::send(self.authorized(self.http.get(format!("{}/v1/marketplace/listings/{id}", self.base)))?).await
    }

    pub async fn listing_usage(&self, id: ListingId) -> Result<ListingUsage, ClientError> {
        Self::send(self.authorized(self.http.get(format!("{}/v1/marketplace/listings/{id}/usage", self.base)))?).await
    }

    pub async fn publish_listing(&self, listing: &NewListing) -> Result<ListingDetail, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/listings", self.base)).json(listing);
        Self::send(self.authorized(request)?).await
    }

    pub async fn publish_version(&self, id: ListingId, version: &NewVersion) -> Result<ListingDetail, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/listings/{id}/versions", self.base)).json(version);
        Self::send(self.authorized(request)?).await
    }

    pub async fn update_listing(&self, id: ListingId, update: &ListingUpdate) -> Result<ListingDetail, ClientError> {
        let request = self.http.patch(format!("{}/v1/marketplace/listings/{id}", self.base)).json(update);
        Self::send(self.authorized(request)?).await
    }

    pub async fn request_license(&self, id: ListingId, request: &LicenseRequest) -> Result<License, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/listings/{id}/license", self.base)).json(request);
        Self::send(self.authorized(request)?).await
    }

    pub async fn licenses(&self) -> Result<Licenses, ClientError> {
        Self::send(self.authorized(self.http.get(format!("{}/v1/marketplace/licenses", self.base)))?).await
    }

    pub async fn decide_license(&self, id: LicenseId, decision: &LicenseDecision) -> Result<License, ClientError> {
        let request = self.http.patch(format!("{}/v1/marketplace/licenses/{id}", self.base)).json(decision);
        Self::send(self.authorized(request)?).await
    }

    pub async fn copy_listing(&self, license: LicenseId) -> Result<MarketplaceCopy, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/licenses/{license}/copy", self.base));
        Self::send(self.authorized(request)?).await
    }

    pub async fn copy_update(&self, license: LicenseId) -> Result<CopyUpdate, ClientError> {
        let request = self.http.get(format!("{}/v1/marketplace/licenses/{license}/update", self.base));
        Self::send(self.authorized(request)?).await
    }

    pub async fn apply_update(&self, license: LicenseId, update: &ApplyUpdate) -> Result<MarketplaceCopy, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/licenses/{license}/update", self.base)).json(update);
        Self::send(self.authorized(request)?).await
    }

    pub async fn fork_copy(&self, license: LicenseId) -> Result<MarketplaceCopy, ClientError> {
        let request = self.http.post(format!("{}/v1/marketplace/licenses/{license}/fork", self.base));
        Self::send(self.authorized(request)?).await
    }
}
