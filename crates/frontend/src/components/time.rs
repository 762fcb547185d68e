//! Dates as French readers expect them: Europe/Paris time, and "dans 3 jours".

use chrono::{DateTime, NaiveDateTime, Utc};
use wasm_bindgen::JsValue;

/// `29/11/2026 18:00`, in Europe/Paris whatever the browser's zone.
pub fn french_date_time(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", "Europe/Paris"),
        ("dateStyle", "long"),
        ("timeStyle", "short"),
    ] {
        // Setting a string property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string("fr-FR", &options).into()
}

/// "dans 3 jours", "dans 5 heures", "il y a 2 jours".
pub fn relative(at: DateTime<Utc>) -> String {
    let now = js_sys::Date::now() as i64;
    let delta = (at.timestamp_millis() - now) / 1000;
    let (amount, unit) = match delta.abs() {
        s if s < 3600 => ((s / 60).max(1), "minute"),
        s if s < 86_400 => (s / 3600, "heure"),
        s => (s / 86_400, "jour"),
    };
    let plural = if amount > 1 { "s" } else { "" };
    if delta >= 0 {
        format!("dans {amount} {unit}{plural}")
    } else {
        format!("il y a {amount} {unit}{plural}")
    }
}

/// The wall-clock time in Paris at an instant (`sv-SE` formats it as ISO).
fn paris_wall_clock(at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Europe/Paris".into());
    let text: String = date.to_locale_string("sv-SE", &options).into();
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").ok()
}

/// The instant at which Paris clocks show `local` (a `datetime-local` value,
/// whatever the browser's own zone). Checked twice around DST changes.
pub fn paris_to_utc(local: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").ok()?;
    let mut instant = local.and_utc();
    for _ in 0..2 {
        let offset = paris_wall_clock(instant)? - instant.naive_utc();
        instant = (local - offset).and_utc();
    }
    Some(instant)
}

/// `2026-12-13T17:00`: a `datetime-local` value in Paris time.
pub fn paris_input_value(at: DateTime<Utc>) -> String {
    paris_wall_clock(at)
        .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}
