//! Staff and the organization's settings, managed from the window by its administrators,
//! and each person's own password. The server is the authority and these need it
//! online: the service checks the role and what was typed first (the domain's rules,
//! `stride_domain::staff`, which the server applies again), then asks the server.

use super::Service;
use crate::error::AppError;
use serde::Deserialize;
use std::sync::Arc;
use stride_domain::staff::*;
use stride_domain::*;
use stride_store::SyncStartedBy;
use stride_sync::Client;
use ts_rs::TS;

/// A person changes their own password.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}

impl Service {
    /// The organization's staff, with their devices and when they were last seen.
    pub async fn staff(self: &Arc<Self>) -> Result<Staff, AppError> {
        Ok(self.administrator_client().await?.staff().await?)
    }

    /// Adds a member; answers with the set-up code to pass on, shown this once.
    pub async fn add_staff_member(self: &Arc<Self>, input: NewStaffMember) -> Result<IssuedSetUpCode, AppError> {
        input.validate().map_err(AppError::invalid)?;
        Ok(self.administrator_client().await?.add_staff(&input).await?)
    }

    /// Changes a member's role or name, deactivates or reactivates them.
    pub async fn update_staff_member(
        self: &Arc<Self>,
        user: UserId,
        update: StaffUpdate,
    ) -> Result<StaffMember, AppError> {
        if let Some(name) = &update.display_name {
            Name::parse(name).map_err(|e| AppError::invalid(vec![e.in_field("display_name")]))?;
        }
        Ok(self.administrator_client().await?.update_staff(user, &update).await?)
    }

    /// A new set-up code for a member who forgot their password or lost their code.
    pub async fn issue_set_up_code(self: &Arc<Self>, user: UserId) -> Result<IssuedSetUpCode, AppError> {
        Ok(self.administrator_client().await?.issue_set_up_code(user).await?)
    }

    /// Renames the organization, then syncs so this device shows the new name at once.
    pub async fn rename_organization(self: &Arc<Self>, name: String) -> Result<Organization, AppError> {
        Name::parse(&name).map_err(|e| AppError::invalid(vec![e.in_field("name")]))?;
        let renamed = self.administrator_client().await?.update_organization(&OrganizationUpdate { name }).await?;
        // The rename is made; a sync that fails now brings it at the next one.
        if let Err(error) = self.sync(SyncStartedBy::Background, |_| {}).await {
            tracing::info!(error.code = %error.code, "the sync after a rename did not finish");
        }
        Ok(renamed)
    }

    /// Changes the signed-in person's password (their current one is needed).
    pub async fn change_password(self: &Arc<Self>, input: PasswordChangeInput) -> Result<(), AppError> {
        Password::parse(&input.new_password).map_err(|e| AppError::invalid(vec![e.in_field("new_password")]))?;
        let client = self.blocking(Service::signed_in_client).await?;
        Ok(client.change_password(&input.current_password, &input.new_password).await?)
    }

    /// A client signed in as an administrator; anyone else is refused before asking.
    async fn administrator_client(self: &Arc<Self>) -> Result<Client, AppError> {
        self.blocking(|service| {
            let what = "manage staff or the organization's settings";
            service.client_if_permitted(|permissions| permissions.administers, what)
        })
        .await
    }
}
