//! The synthesis of a consultation for its staff: per clause and criterion,
//! the contributions by kind and the balance of cost directions, as a chart
//! to see at a glance and as a table with every number.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::consultation::{ConsultationDto, SynthesisRow, TargetKind};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View};
use crate::components::exports::RecordDownloads;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::table::DataTable;
use crate::hooks::use_consultation_data;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    rows: Vec<SynthesisRow>,
    /// Clause numbers and titles, criterion names, from every revision (the
    /// latest wins), so that removed clauses keep a name.
    labels: HashMap<Uuid, String>,
    /// The order of the latest revision; removed targets come last.
    order: Vec<Uuid>,
}

async fn load(token: String, id: Option<Uuid>) -> Result<Loaded, ApiError> {
    let id = id.ok_or_else(ApiError::not_found)?;
    let consultation = api::consultation(&token, id).await?;
    let rows = api::synthesis(&token, id).await?;
    let mut labels = HashMap::new();
    let mut order = Vec::new();
    for round in api::rounds(&token, id).await? {
        let revision = api::revision(&token, id, round.number).await?;
        order.clear();
        for (_, clause) in revision.content.clauses() {
            if let Some(cid) = clause.id {
                labels.insert(cid, format!("{} — {}", clause.number, clause.title));
                order.push(cid);
            }
        }
        for criterion in &revision.content.criteria {
            if let Some(cid) = criterion.id {
                labels.insert(cid, format!("Critère « {} »", criterion.name));
                order.push(cid);
            }
        }
    }
    Ok(Loaded {
        consultation,
        rows,
        labels,
        order,
    })
}

/// The rows of the chosen round (all rounds when `None`), one per target.
fn totals(rows: &[SynthesisRow], round: Option<i32>) -> HashMap<Option<Uuid>, SynthesisRow> {
    let mut by_target: HashMap<Option<Uuid>, SynthesisRow> = HashMap::new();
    for row in rows.iter().filter(|r| round.is_none_or(|n| r.round == n)) {
        let sum = by_target
            .entry(row.target_id)
            .or_insert_with(|| SynthesisRow {
                target_kind: row.target_kind,
                target_id: row.target_id,
                round: row.round,
                ..SynthesisRow::default()
            });
        sum.solutions += row.solutions;
        sum.clarifications += row.clarifications;
        sum.alternatives += row.alternatives;
        sum.cost_increase += row.cost_increase;
        sum.cost_decrease += row.cost_decrease;
        sum.cost_neutral += row.cost_neutral;
        sum.cost_unknown += row.cost_unknown;
        sum.accepted += row.accepted;
        sum.partially_accepted += row.partially_accepted;
        sum.rejected += row.rejected;
        sum.answered += row.answered;
        sum.undecided += row.undecided;
    }
    by_target
}

struct Line {
    label: String,
    row: SynthesisRow,
}

fn lines(loaded: &Loaded, round: Option<i32>) -> Vec<Line> {
    let mut totals = totals(&loaded.rows, round);
    let mut out = Vec::new();
    let label_of = |row: &SynthesisRow| match (row.target_kind, row.target_id) {
        (Some(TargetKind::Document) | None, _) | (_, None) => "Document entier".to_owned(),
        (_, Some(id)) => loaded
            .labels
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Passage supprimé".to_owned()),
    };
    for id in &loaded.order {
        if let Some(row) = totals.remove(&Some(*id)) {
            out.push(Line {
                label: label_of(&row),
                row,
            });
        }
    }
    let mut rest: Vec<Line> = totals
        .into_values()
        .map(|row| Line {
            label: label_of(&row),
            row,
        })
        .collect();
    rest.sort_by(|a, b| a.label.cmp(&b.label));
    out.extend(rest);
    out
}

const ROW_HEIGHT: u32 = 44;
const LABEL_WIDTH: u32 = 250;
const BAR_WIDTH: u32 = 300;

fn chart_height(lines: &[Line]) -> u32 {
    ROW_HEIGHT * u32::try_from(lines.len()).unwrap_or(u32::MAX / ROW_HEIGHT) + 40
}

fn label_text(line: &Line) -> String {
    line.label.chars().take(32).collect()
}

/// Contributions by kind, one stacked bar per target; every segment
/// carries its letter and number, so colour is never the only cue.
fn kinds_chart(lines: &[Line]) -> impl IntoView + use<> {
    let max_kinds = lines
        .iter()
        .map(|l| l.row.solutions + l.row.clarifications + l.row.alternatives)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = chart_height(lines);
    let bars = lines.iter().enumerate().map(|(i, line)| {
        let y = 30 + ROW_HEIGHT * i as u32;
        let r = &line.row;
        let scale = |n: u32| n * BAR_WIDTH / max_kinds;
        let mut x = LABEL_WIDTH;
        let segments: Vec<_> = KINDS
            .iter()
            .map(|(pick, class, letter, _)| (pick(r), *class, *letter))
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, class, letter)| {
                let (start, w) = (x, scale(n));
                x += w;
                view! {
                    <rect x=start y=y width=w height="24" class=class/>
                    <text x=start + 4 y=y + 17 class="jsf-chart-value">{format!("{letter} {n}")}</text>
                }
            })
            .collect();
        view! {
            <text x="0" y=y + 17 class="jsf-chart-label">{label_text(line)}</text>
            {segments}
        }
    }).collect_view();
    view! {
        <svg viewBox=format!("0 0 {} {height}", LABEL_WIDTH + BAR_WIDTH + 20) role="img" aria-labelledby="kinds-title kinds-desc" width="100%">
            <title id="kinds-title">"Contributions par passage, par type"</title>
            <desc id="kinds-desc">"Nombre de solutions (S), demandes de précision (P) et alternatives (A) par passage. Les mêmes nombres sont dans le tableau qui suit."</desc>
            <text x=LABEL_WIDTH y="16" class="jsf-chart-heading">"Types de contribution"</text>
            {bars}
        </svg>
    }
}

/// The cost balance per target around a middle axis: decreases to the left,
/// increases to the right, neutral and unknown as numbers.
fn cost_chart(lines: &[Line]) -> impl IntoView + use<> {
    let max_cost = lines
        .iter()
        .map(|l| l.row.cost_increase.max(l.row.cost_decrease))
        .max()
        .unwrap_or(0)
        .max(1);
    let height = chart_height(lines);
    let half = BAR_WIDTH / 2;
    let axis = LABEL_WIDTH + half;
    let bars = lines.iter().enumerate().map(|(i, line)| {
        let y = 30 + ROW_HEIGHT * i as u32;
        let r = &line.row;
        let down = r.cost_decrease * half / max_cost;
        let up = r.cost_increase * half / max_cost;
        view! {
            <text x="0" y=y + 17 class="jsf-chart-label">{label_text(line)}</text>
            {(down > 0).then(|| view! {
                <rect x=axis - down y=y width=down height="24" class="jsf-chart-down"/>
                <text x=axis - down + 2 y=y + 17 class="jsf-chart-value">{format!("↓{}", r.cost_decrease)}</text>
            })}
            {(up > 0).then(|| view! {
                <rect x=axis y=y width=up height="24" class="jsf-chart-up"/>
                <text x=axis + 2 y=y + 17 class="jsf-chart-value">{format!("↑{}", r.cost_increase)}</text>
            })}
            {(r.cost_neutral + r.cost_unknown > 0).then(|| view! {
                <text x=axis + half + 4 y=y + 17 class="jsf-chart-value">{format!("={} ?{}", r.cost_neutral, r.cost_unknown)}</text>
            })}
        }
    }).collect_view();
    view! {
        <svg viewBox=format!("0 0 {} {height}", LABEL_WIDTH + BAR_WIDTH + 70) role="img" aria-labelledby="cost-title cost-desc" width="100%">
            <title id="cost-title">"Contributions par passage, par effet sur le coût"</title>
            <desc id="cost-desc">"Baisses (↓) à gauche de l'axe, hausses (↑) à droite, puis les effets neutres (=) et inconnus (?). Les mêmes nombres sont dans le tableau qui suit."</desc>
            <text x=LABEL_WIDTH y="16" class="jsf-chart-heading">"↓ Baisse — coût — Hausse ↑"</text>
            <line x1=axis x2=axis y1="22" y2=height class="jsf-chart-axis"/>
            {bars}
        </svg>
    }
}

/// Each kind's count, colour class, letter on the bars and legend.
type KindCount = fn(&SynthesisRow) -> u32;
const KINDS: [(KindCount, &str, &str, &str); 3] = [
    (|r| r.solutions, "jsf-chart-solution", "S", "Solutions"),
    (
        |r| r.clarifications,
        "jsf-chart-clarification",
        "P",
        "Demandes de précision",
    ),
    (
        |r| r.alternatives,
        "jsf-chart-alternative",
        "A",
        "Alternatives (clause ou critère)",
    ),
];

/// Both charts, side by side on wide screens and one above the other on
/// phones, with a legend that says what letters and colours mean.
fn chart(lines: &[Line]) -> impl IntoView + use<> {
    view! {
        <ul class="jsf-chart-legend" aria-label="Légende">
            {KINDS.iter().map(|(_, class, letter, name)| view! {
                <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class=*class/></svg>
                    {format!(" {letter} : {name}")}</li>
            }).collect_view()}
            <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class="jsf-chart-down"/></svg>" ↓ : baisse du coût"</li>
            <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class="jsf-chart-up"/></svg>" ↑ : hausse du coût"</li>
            <li>"= : sans effet, ? : effet inconnu"</li>
        </ul>
        <div class="fr-grid-row fr-grid-row--gutters jsf-chart">
            <div class="fr-col-12 fr-col-lg-6">{kinds_chart(lines)}</div>
            <div class="fr-col-12 fr-col-lg-6">{cost_chart(lines)}</div>
        </div>
    }
}

fn table(lines: &[Line]) -> impl IntoView + use<> {
    let rows = lines
        .iter()
        .map(|l| {
            let r = &l.row;
            view! {
                <tr>
                    <th scope="row">{l.label.clone()}</th>
                    <td>{r.solutions}</td><td>{r.clarifications}</td><td>{r.alternatives}</td>
                    <td>{r.cost_increase}</td><td>{r.cost_decrease}</td><td>{r.cost_neutral}</td><td>{r.cost_unknown}</td>
                    <td>{r.accepted}</td><td>{r.partially_accepted}</td><td>{r.rejected}</td><td>{r.answered}</td><td>{r.undecided}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="jsf-synthesis-table"><DataTable caption="Synthèse chiffrée par passage">
                <thead><tr>
                    <th scope="col">"Passage"</th>
                    <th scope="col">"Solutions"</th><th scope="col">"Précisions"</th><th scope="col">"Alternatives"</th>
                    <th scope="col">"↑ Hausse"</th><th scope="col">"↓ Baisse"</th><th scope="col">"= Neutre"</th><th scope="col">"? Inconnu"</th>
                    <th scope="col">"Retenues"</th><th scope="col">"En partie"</th><th scope="col">"Non retenues"</th><th scope="col">"Répondues"</th><th scope="col">"Sans décision"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
        </DataTable></div>
    }
}

#[component]
pub fn SynthesisPage() -> impl IntoView {
    set_title("Synthèse");
    let data = use_consultation_data(load);
    let round = RwSignal::new(None::<i32>);
    resource_view(
        data,
        "Chargement de la synthèse…",
        move |loaded: Loaded| {
            let c = loaded.consultation.clone();
            let current = c.current_round.as_ref().map_or(0, |r| r.number);
            set_title(&format!("Synthèse — {}", c.title));
            view! {
            <Breadcrumb consultation=(c.id, c.title.clone()) here="Synthèse"/>
            <h1>"Synthèse des contributions"</h1>
            <ConsultationNav id=c.id current=View::Synthesis/>
            <div class="fr-select-group">
                <label class="fr-label" for="synthesis-round">"Tour"</label>
                <select class="fr-select" id="synthesis-round" on:change=move |ev| round.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=true>"Tous les tours"</option>
                    {(1..=current).map(|n| view! { <option value=n.to_string()>{format!("Tour {n}")}</option> }).collect_view()}
                </select>
            </div>
            {move || {
                let lines = lines(&loaded, round.get());
                if lines.is_empty() {
                    view! { <p>"Aucune contribution pour le moment."</p> }.into_any()
                } else {
                    view! {
                        <h2 class="fr-h4">"En un coup d'œil"</h2>
                        {chart(&lines)}
                        <h2 class="fr-h4 fr-mt-4w">"Les chiffres"</h2>
                        {table(&lines)}
                    }.into_any()
                }
            }}
            <h2 class="fr-h4 fr-mt-4w">"Pour le dossier de la consultation"</h2>
            <p class="fr-text--sm">"Le compte rendu de sourçage et le tableau des contributions ne nomment les entreprises que par leur pseudonyme."</p>
            <RecordDownloads id=c.id/>
        }.into_any()
        },
    )
}

#[cfg(test)]
mod tests {
    use shared::consultation::{SynthesisRow, TargetKind};
    use uuid::Uuid;

    use super::totals;

    fn row(round: i32, target: Uuid, solutions: u32, decrease: u32) -> SynthesisRow {
        SynthesisRow {
            round,
            target_kind: Some(TargetKind::Clause),
            target_id: Some(target),
            solutions,
            cost_decrease: decrease,
            ..SynthesisRow::default()
        }
    }

    #[test]
    fn all_rounds_add_up_per_target_and_one_round_keeps_only_its_rows() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let rows = [row(1, a, 2, 1), row(2, a, 1, 1), row(2, b, 4, 0)];
        let all = totals(&rows, None);
        assert_eq!(all[&Some(a)].solutions, 3);
        assert_eq!(all[&Some(a)].cost_decrease, 2);
        assert_eq!(all[&Some(b)].solutions, 4);
        let second = totals(&rows, Some(2));
        assert_eq!(second[&Some(a)].solutions, 1);
        assert_eq!(totals(&rows, Some(3)).len(), 0);
    }
}
