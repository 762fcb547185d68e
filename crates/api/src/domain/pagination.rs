//! The one way every list endpoint reads a page: `page`/`per_page` from the
//! query string, within their documented bounds (400 otherwise), then an
//! offset query — of the rows themselves, or of their keys when the list is
//! the union of several index searches — that also reads the list's size as
//! a column (a count or a tally), and counts apart only a page beyond the
//! end; a search in texts is counted apart, up to a bound.

use sea_orm::sea_query::{
    Alias, Asterisk, DynIden, Expr, IntoIden, Order, Query, SelectStatement, UnionType,
};
use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, QuerySelect, QueryTrait, Select, TryGetable,
};
use serde::Deserialize;
use shared::auth::{Page, TotalRelation};
use utoipa::IntoParams;

use crate::error::ApiError;

/// The column under which a page's statement reads the list's size.
const LISTED_TOTAL: &str = "listed_total";

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// Deeper than any list goes (100 million rows at 100 a page), and small
/// enough that no offset overflows the database's 64-bit integers.
pub const MAX_PAGE: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(try_from = "RawPageQuery")]
pub struct PageQuery {
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// The query string as sent, before its bounds are checked.
#[derive(Deserialize)]
struct RawPageQuery {
    page: Option<u64>,
    per_page: Option<u64>,
}

impl TryFrom<RawPageQuery> for PageQuery {
    type Error = String;

    fn try_from(raw: RawPageQuery) -> Result<Self, String> {
        if raw.page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
            return Err(format!("`page` va de 1 à {MAX_PAGE}"));
        }
        if raw
            .per_page
            .is_some_and(|p| !(1..=MAX_PER_PAGE).contains(&p))
        {
            return Err(format!("`per_page` va de 1 à {MAX_PER_PAGE}"));
        }
        Ok(Self {
            page: raw.page,
            per_page: raw.per_page,
        })
    }
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

/// How a list of keys is counted. An exact number is a column of the
/// page's own statement (one round trip to the database, not two); only a
/// page beyond the list's end, which has no row to carry it, is counted
/// apart.
#[derive(Debug, Clone)]
pub enum Count {
    /// Each part on its index alone. Counting the union itself
    /// (`COUNT(*) OVER ()`) made the database copy every key it counts:
    /// 1.3 ms instead of 0.05 for an agent's 1 000 consultations.
    Apart,
    /// Read by this statement (one number) from what the database keeps
    /// (tallies), rather than counted.
    Tallied(Box<SelectStatement>),
    /// Up to this bound (or the page's end, if further), for parts that
    /// test each row they read (a search in texts): an exact count reads
    /// every match, 1 463 rows for a common word in a national company's
    /// list. Counted in a statement of its own, and only when the page does
    /// not show the list's end: a rare word's page has read every row of
    /// the parts already, and a count beside it would read them again.
    UpTo(u64),
}

/// How `fetch_keys` counts, from `Count`: an exact number as a column of
/// the page's statement, or apart up to a bound.
enum Counting {
    Column(Expr),
    UpTo(u64),
}

/// A list's size as a page tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    count: u64,
    relation: TotalRelation,
}

impl Total {
    fn exact(count: u64) -> Self {
        Self {
            count,
            relation: TotalRelation::Exact,
        }
    }
}

/// The statement counting the rows `query` selects: over a constant
/// column and without the order, so that the database may answer from an
/// index alone instead of reading (and sorting) every row it counts.
pub fn count_of<E: EntityTrait>(query: &Select<E>) -> SelectStatement {
    let mut counted = query.clone().select_only().column_as(Expr::value(1), "one");
    QueryTrait::query(&mut counted).clear_order_by();
    rows_of(counted.into_query())
}

/// The statement counting the rows `statement` yields.
fn rows_of(statement: SelectStatement) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(statement, Alias::new("counted"))
        .to_owned()
}

/// The size of a union of disjoint `parts`: the sum of their counts, each
/// counted on its own index.
fn sum_of_counts(parts: &[SelectStatement]) -> Expr {
    parts
        .iter()
        .cloned()
        .map(|part| Expr::from(rows_of(part)))
        // The trait named here only: imported, its `max` would shadow Ord's.
        .reduce(sea_orm::sea_query::ExprTrait::add)
        .unwrap_or_else(|| Expr::value(0))
}

/// The first `limit` rows of each of `parts` in the list's `order`, as one
/// union. A part of a union has no order of its own but as a subquery.
/// The order also keeps each part on its index: PostgreSQL plans a
/// statement once for any value (`Db::connect`), and without an order its
/// plan read the whole table to count an open consultation's matches
/// (2.2 ms instead of 0.3 for a common word in a company's list).
fn first_rows_of_each(
    parts: &[SelectStatement],
    order: &[(DynIden, Order)],
    limit: u64,
) -> Option<SelectStatement> {
    let mut read = parts.iter().enumerate().map(|(n, part)| {
        let mut first = part.clone();
        for (column, direction) in order {
            first.order_by(column.clone(), direction.clone());
        }
        Query::select()
            .column(Asterisk)
            .from_subquery(
                first.limit(limit).to_owned(),
                Alias::new(format!("part{n}")),
            )
            .to_owned()
    });
    let mut union = read.next()?;
    union.unions(read.map(|part| (UnionType::All, part)));
    Some(union)
}

/// How many rows the union of `parts` holds, reading no more than
/// `bound` + 1 of them: `UNION ALL` hands its rows over as it reads them, so
/// the limit stops it.
async fn count_up_to(
    conn: &impl ConnectionTrait,
    parts: &[SelectStatement],
    order: &[(DynIden, Order)],
    bound: u64,
) -> Result<u64, ApiError> {
    let limit = bound.saturating_add(1);
    let Some(matched) = first_rows_of_each(parts, order, limit) else {
        return Ok(0);
    };
    let first = Query::select()
        .expr(Expr::value(1))
        .from_subquery(matched, Alias::new("matched"))
        .limit(limit)
        .to_owned();
    number(conn, rows_of(first)).await
}

/// The one number `statement` selects.
async fn number(conn: &impl ConnectionTrait, statement: SelectStatement) -> Result<u64, ApiError> {
    let number: i64 = match conn.query_one(&statement).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(number).unwrap_or_default())
}

impl PageRequest {
    fn offset(self) -> u64 {
        // Saturating: a page number near u64::MAX yields an empty page, not an overflow.
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }

    /// The list's size, known from this page's `found` rows alone when the
    /// page is its last: partly filled, or empty as its first.
    fn total_from(self, found: usize) -> Option<u64> {
        let found = u64::try_from(found).unwrap_or(u64::MAX);
        (found < self.per_page && (found > 0 || self.page == 1))
            .then(|| self.offset().saturating_add(found))
    }

    /// Reads this page of the rows `query` selects (the query carries its
    /// own order, so pages do not overlap), and how many there are.
    pub async fn fetch<E>(
        self,
        conn: &impl ConnectionTrait,
        query: Select<E>,
    ) -> Result<(Vec<E::Model>, u64), ApiError>
    where
        E: EntityTrait,
    {
        let total = count_of(&query);
        self.fetch_as(conn, query.into_query(), total).await
    }

    /// Reads this page of the rows `statement` selects (in its own order),
    /// as `M`, with the list's size — the one number `total` selects, a
    /// count or a tally — as a column of the same statement: one round trip
    /// to the database, not two. Only a page beyond the list's end, which
    /// has no row to carry it, reads `total` apart.
    pub async fn fetch_as<M: FromQueryResult>(
        self,
        conn: &impl ConnectionTrait,
        mut statement: SelectStatement,
        total: SelectStatement,
    ) -> Result<(Vec<M>, u64), ApiError> {
        statement
            .expr_as(Expr::from(total.clone()), Alias::new(LISTED_TOTAL))
            .offset(self.offset())
            .limit(self.per_page);
        let rows = conn.query_all(&statement).await?;
        let total = match rows.first() {
            Some(row) => u64::try_from(row.try_get::<i64>("", LISTED_TOTAL)?).unwrap_or_default(),
            None if self.page == 1 => 0,
            None => number(conn, total).await?,
        };
        let rows = rows
            .iter()
            .map(|row| M::from_query_result(row, ""))
            .collect::<Result<Vec<M>, _>>()?;
        Ok((rows, total))
    }

    /// The keys of this page of the union of `parts` — disjoint selections
    /// of `key` and the `order` columns — in `order`, and the union's size,
    /// counted as `count` says. Rows are then read by key, this page's
    /// alone.
    ///
    /// Each part gives only its first rows up to this page's end, read in
    /// order from its index: the union sorts those, not every row of every
    /// part.
    pub async fn fetch_keys<K: TryGetable>(
        self,
        conn: &impl ConnectionTrait,
        parts: Vec<SelectStatement>,
        key: impl IntoIden,
        order: Vec<(DynIden, Order)>,
        count: Count,
    ) -> Result<(Vec<K>, Total), ApiError> {
        let end = self.offset().saturating_add(self.per_page);
        let Some(union) = first_rows_of_each(&parts, &order, end) else {
            return Ok((Vec::new(), Total::exact(0)));
        };
        let listed = Alias::new("listed");
        let mut page = Query::select()
            .column((listed.clone(), key.into_iden()))
            .from_subquery(union, listed.clone())
            .limit(self.per_page)
            .offset(self.offset())
            .to_owned();
        let counting = match count {
            Count::Apart => Counting::Column(sum_of_counts(&parts)),
            Count::Tallied(statement) => Counting::Column(Expr::from(*statement)),
            Count::UpTo(bound) => Counting::UpTo(bound),
        };
        if let Counting::Column(total) = &counting {
            page.expr(total.clone());
        }
        for (column, direction) in &order {
            page.order_by((listed.clone(), column.clone()), direction.clone());
        }
        let rows = conn.query_all(&page).await?;
        let keys = rows
            .iter()
            .map(|row| row.try_get_by_index(0))
            .collect::<Result<Vec<K>, _>>()?;
        if let (Counting::Column(_), Some(row)) = (&counting, rows.first()) {
            let total: i64 = row.try_get_by_index(1)?;
            return Ok((keys, Total::exact(u64::try_from(total).unwrap_or_default())));
        }
        if let Some(total) = self.total_from(rows.len()) {
            return Ok((keys, Total::exact(total)));
        }
        let total = match counting {
            Counting::Column(total) => {
                Total::exact(number(conn, Query::select().expr(total).to_owned()).await?)
            }
            // Past the bound, a page further on still shows where it stands.
            Counting::UpTo(bound) => {
                let bound = bound.max(end);
                match count_up_to(conn, &parts, &order, bound).await? {
                    found if found > bound => Total {
                        count: bound,
                        relation: TotalRelation::MoreThan,
                    },
                    found => Total::exact(found),
                }
            }
        };
        Ok((keys, total))
    }

    /// This page of a list already in memory, and the list's length.
    pub fn of_all<T>(self, all: impl ExactSizeIterator<Item = T>) -> Page<T> {
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let offset = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        self.page_of(all.skip(offset).take(limit).collect(), total)
    }

    pub fn page_of<T>(self, items: Vec<T>, total: u64) -> Page<T> {
        self.page_counted(items, Total::exact(total))
    }

    pub fn page_counted<T>(self, items: Vec<T>, total: Total) -> Page<T> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total: total.count,
            total_relation: total.relation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(query: &str) -> Result<PageQuery, String> {
        serde_urlencoded::from_str::<PageQuery>(query).map_err(|e| e.to_string())
    }

    #[test]
    fn page_parameters_outside_their_bounds_are_refused_and_offsets_fit_the_database() {
        for refused in [
            "page=0",
            "per_page=0",
            "per_page=101",
            "page=1000001",
            "page=461168601842738792",
        ] {
            assert!(parsed(refused).is_err(), "{refused}");
        }
        let deepest = parsed("page=1000000&per_page=100").unwrap().resolve();
        assert!(i64::try_from(deepest.offset()).is_ok());
        assert_eq!(parsed("").unwrap().resolve().per_page, DEFAULT_PER_PAGE);
    }
}
