//! Dates as French readers expect them: Europe/Paris time, and "dans 3 jours".

use chrono::{DateTime, Utc};
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
