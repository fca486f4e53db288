//! Who made each change of a push. A laptop may be shared: the person whose token pushes
//! is not always the one who made a change, so each change may name its author. An
//! author other than the pusher counts only when they have signed in on the same
//! installation (a device row of theirs, not revoked, from the laptop's own id), so no
//! one can put a change under a colleague's name from elsewhere; the change is then
//! judged by the author's role and kept as theirs in the audit trail. A deactivated
//! author's changes made before they were deactivated (by the change's clock stamp) are
//! kept; those made after are refused.

use crate::auth::AuthenticatedDevice;
use sqlx::{Postgres, Row, Transaction};
use std::collections::HashMap;
use stride_domain::api::{Outcome, PushedChange};
use stride_domain::{ErrorCode, Role, UserId};

#[derive(Debug, Clone, Copy)]
struct Author {
    role: Role,
    /// When they were deactivated, in milliseconds; None while they may work.
    deactivated_at_ms: Option<i64>,
}

/// The authors of a push other than the pusher, who signed in on the pusher's installation.
#[derive(Debug, Default)]
pub(crate) struct Authors(HashMap<UserId, Author>);

impl Authors {
    pub(crate) async fn load(
        tx: &mut Transaction<'_, Postgres>,
        device: &AuthenticatedDevice,
        fresh: &[&PushedChange],
    ) -> Result<Self, sqlx::Error> {
        let mut others: Vec<uuid::Uuid> = fresh
            .iter()
            .filter_map(|pushed| pushed.author)
            .filter(|author| *author != device.user_id)
            .map(|author| author.as_uuid())
            .collect();
        others.sort_unstable();
        others.dedup();
        let Some(installation) = device.installation_id.filter(|_| !others.is_empty()) else {
            return Ok(Self::default());
        };
        let rows = sqlx::query(
            "SELECT u.id, u.role, u.deactivated_at FROM users u
             WHERE u.organization_id = $1 AND u.id = ANY($2) AND u.deleted_at IS NULL
               AND EXISTS (SELECT 1 FROM devices d
                           WHERE d.organization_id = u.organization_id AND d.user_id = u.id
                             AND d.installation_id = $3 AND d.revoked_at IS NULL)",
        )
        .bind(device.organization_id.as_uuid())
        .bind(&others)
        .bind(installation)
        .fetch_all(&mut **tx)
        .await?;
        let mut authors = HashMap::new();
        for row in rows {
            let Ok(role) = row.get::<String, _>("role").parse::<Role>() else { continue };
            let deactivated_at: Option<chrono::DateTime<chrono::Utc>> = row.get("deactivated_at");
            let author = Author { role, deactivated_at_ms: deactivated_at.map(|at| at.timestamp_millis()) };
            authors.insert(UserId::from_uuid(row.get("id")), author);
        }
        Ok(Self(authors))
    }

    /// The change's author and the role it is judged by, or why it is refused.
    pub(crate) fn of(&self, device: &AuthenticatedDevice, pushed: &PushedChange) -> Result<(UserId, Role), Outcome> {
        let author = match pushed.author {
            None => return Ok((device.user_id, device.role)),
            Some(author) if author == device.user_id => return Ok((device.user_id, device.role)),
            Some(author) => author,
        };
        match self.0.get(&author) {
            None => Err(refused(
                ErrorCode::NotPermitted,
                "its author is not a member of the organization who signed in on this device",
            )),
            Some(Author { deactivated_at_ms: Some(at), .. }) if pushed.change.hlc.wall_ms > *at => Err(refused(
                ErrorCode::UserDeactivated,
                "it was made after its author was deactivated; an administrator may reactivate them",
            )),
            Some(found) => Ok((author, found.role)),
        }
    }
}

fn refused(code: ErrorCode, reason: &str) -> Outcome {
    Outcome::Rejected { code, reason: reason.to_owned() }
}
