//! The one way every list endpoint reads a page: `page`/`per_page` from the
//! query string, clamped, then a count and an offset query.

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};
use serde::Deserialize;
use shared::auth::Page;
use utoipa::IntoParams;

use crate::error::ApiError;

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1 (default 1).
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<u64>,
}

/// A page request within sane bounds: page ≥ 1, 1 ≤ per_page ≤ 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u64,
    per_page: u64,
}

impl PageQuery {
    pub fn resolve(self) -> PageRequest {
        PageRequest {
            page: self.page.unwrap_or(1).max(1),
            per_page: self
                .per_page
                .unwrap_or(DEFAULT_PER_PAGE)
                .clamp(1, MAX_PER_PAGE),
        }
    }
}

impl PageRequest {
    fn offset(self) -> u64 {
        // Saturating: a page number near u64::MAX yields an empty page, not an overflow.
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }

    /// Counts the rows `query` selects, then reads this page of them (the
    /// query carries its own order, so pages do not overlap).
    pub async fn fetch<E>(
        self,
        conn: &impl ConnectionTrait,
        query: Select<E>,
    ) -> Result<(Vec<E::Model>, u64), ApiError>
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        let total = query.clone().count(conn).await?;
        let rows = query
            .offset(self.offset())
            .limit(self.per_page)
            .all(conn)
            .await?;
        Ok((rows, total))
    }

    /// This page of a list already in memory, and the list's length.
    pub fn of_all<T>(self, all: impl ExactSizeIterator<Item = T>) -> Page<T> {
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let offset = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        self.page_of(all.skip(offset).take(limit).collect(), total)
    }

    pub fn page_of<T>(self, items: Vec<T>, total: u64) -> Page<T> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_parameters_are_clamped_and_offsets_never_overflow() {
        let huge = PageQuery {
            page: Some(u64::MAX),
            per_page: Some(1_000),
        }
        .resolve();
        assert_eq!(huge.per_page, MAX_PER_PAGE);
        assert_eq!(huge.offset(), u64::MAX);
        let first = PageQuery {
            page: Some(0),
            per_page: Some(0),
        }
        .resolve();
        assert_eq!((first.page, first.per_page, first.offset()), (1, 1, 0));
        assert_eq!(PageQuery::default().resolve().per_page, DEFAULT_PER_PAGE);
    }
}
