//! Who is using the app and what they may do: the signed-in account's role (the
//! `users` row once pulled, else the role given at sign-in), the screens and writes it
//! allows, and the organization's type, tier, limits and use of them. The window shows
//! what the role allows; the service refuses the rest before anything is written; the
//! server, the authority, refuses it again at push.

use super::Service;
use crate::error::AppError;
use serde::Serialize;
use stride_domain::access::Permissions;
use stride_domain::tier::{over_limit, TierLimits};
use stride_domain::*;
use ts_rs::TS;

/// The account and its permissions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Account {
    /// None on a device set up without a server (its owner may do everything).
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub permissions: Permissions,
    /// What every role may see and write, for the organization screen.
    pub roles: Vec<Permissions>,
}

/// The organization, its tier and how much of the tier it uses.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrganizationOverview {
    pub organization: Organization,
    pub limits: TierLimits,
    pub usage: TierUsage,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TierUsage {
    pub workers: u32,
    pub programs: u32,
    pub segments: u32,
    pub experiments: u32,
    /// Staff not deactivated, as last synced.
    pub users: u32,
}

impl Service {
    pub fn account(&self) -> Result<Account, AppError> {
        let (role, email, display_name) = match self.store.account()? {
            None => (Role::OrgAdmin, None, None),
            Some((user_id, role_at_sign_in)) => match self.store.get::<User>(&RowKey::of(user_id))? {
                Some(user) => (user.role, Some(user.email.to_string()), user.display_name.map(|n| n.to_string())),
                None => (role_at_sign_in, None, None),
            },
        };
        Ok(Account {
            email,
            display_name,
            permissions: Permissions::of(role),
            roles: Role::ALL.iter().map(|role| Permissions::of(*role)).collect(),
        })
    }

    /// The signed-in user, for `created_by` and `updated_by` (None without a server).
    pub(crate) fn user_id(&self) -> Result<Option<UserId>, AppError> {
        Ok(self.store.account()?.map(|(user, _)| user))
    }

    /// Refuses, before anything is written, what the account's role may not write.
    pub(crate) fn require_write(&self, kind: EntityKind) -> Result<(), AppError> {
        let account = self.account()?;
        if account.permissions.may_write(kind) {
            Ok(())
        } else {
            Err(AppError::not_permitted(format!("a {} may not change {}", account.permissions.role, kind.table())))
        }
    }

    /// A signed-in client for work on the server that the account's role must allow
    /// (`allowed`); refused before anything is asked otherwise, as "a ROLE may not `what`".
    pub(crate) fn client_if_permitted(
        &self,
        allowed: impl FnOnce(&Permissions) -> bool,
        what: &str,
    ) -> Result<stride_sync::Client, AppError> {
        let account = self.account()?;
        if !allowed(&account.permissions) {
            return Err(AppError::not_permitted(format!("a {} may not {what}", account.permissions.role)));
        }
        self.signed_in_client()
    }

    /// Refuses a new row past the tier's limit (the server refuses it too).
    pub(crate) fn require_room(&self, kind: EntityKind) -> Result<(), AppError> {
        let organization = self.store.organization()?.ok_or(stride_store::StoreError::NoOrganization)?;
        let tier = organization.subscription_tier;
        match tier.limits().of(kind) {
            Some(limit) if u64::from(self.store.live_count(kind)?) >= limit => {
                Err(AppError::tier_limit(over_limit(tier, kind, limit)))
            }
            _ => Ok(()),
        }
    }

    pub fn organization_overview(&self) -> Result<OrganizationOverview, AppError> {
        let organization = self.store.organization()?.ok_or(stride_store::StoreError::NoOrganization)?;
        let count = |kind| self.store.live_count(kind);
        Ok(OrganizationOverview {
            limits: organization.subscription_tier.limits(),
            organization,
            usage: TierUsage {
                workers: count(EntityKind::Workers)?,
                programs: count(EntityKind::Programs)?,
                segments: count(EntityKind::Segments)?,
                experiments: count(EntityKind::Experiments)?,
                users: self.store.list_all::<User>(&[])?.iter().filter(|u| u.deactivated_at.is_none()).count() as u32,
            },
        })
    }
}
