//! The events of the records module, in receipts and on the event stream: `published`,
//! `amended`, `withdrawn`, each with the attributes `id`, `version`, `org`, `category`.

use govchain_types::Event;

use crate::keys::MODULE;
use crate::model::{Record, RecordStatus};

/// The event of writing version `rec` (`published` for version 1, then `amended` or
/// `withdrawn`).
pub(crate) fn version_written(rec: &Record) -> Event {
    let kind = match (rec.version, rec.status) {
        (1, _) => "published",
        (_, RecordStatus::Withdrawn) => "withdrawn",
        _ => "amended",
    };
    Event::new(
        MODULE,
        kind,
        &[
            ("id", rec.id.clone()),
            ("version", rec.version.to_string()),
            ("org", rec.org.clone()),
            ("category", rec.content.category.clone()),
        ],
    )
}

/// The record an event of this module is about (None for other modules' events).
pub fn record_id(e: &Event) -> Option<&str> {
    if e.module.as_str() != MODULE {
        return None;
    }
    e.attributes.iter().find(|(k, _)| k.as_str() == "id").map(|(_, v)| v.as_str())
}
