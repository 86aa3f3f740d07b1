//! Seed data: a small, realistic tenant (organisations, persons, opportunities, deliveries, a
//! product catalogue and quotation lines), plus optional rows from `--seed-data FILE`.

use std::path::Path;

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::schema::{
    self, DELIVERY, Entity, LINKED_DATA, OPPORTUNITY, ORGANISATION, PERSON, QUOTATION_LINE,
};
use super::store;
use crate::error::Error;

const ORGS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Nordlys Shipping A/S",
        "Havnegade 12",
        "1058",
        "København K",
        "Denmark",
    ),
    ("Fjordtech AS", "Strandgata 3", "5013", "Bergen", "Norway"),
    (
        "Skärgård Logistics AB",
        "Hamngatan 40",
        "111 47",
        "Stockholm",
        "Sweden",
    ),
    (
        "Aalto Design Oy",
        "Mannerheimintie 5",
        "00100",
        "Helsinki",
        "Finland",
    ),
    (
        "Kattegat Foods ApS",
        "Østergade 21",
        "8000",
        "Aarhus C",
        "Denmark",
    ),
    (
        "Baltic Energy GmbH",
        "Am Sandtorkai 1",
        "20457",
        "Hamburg",
        "Germany",
    ),
    (
        "Thames Analytics Ltd",
        "1 Canada Square",
        "E14 5AB",
        "London",
        "United Kingdom",
    ),
    (
        "Polder Water BV",
        "Keizersgracht 100",
        "1015 AA",
        "Amsterdam",
        "Netherlands",
    ),
];

const PEOPLE: &[(&str, &str, &str)] = &[
    ("Anne", "Hansen", "CEO"),
    ("Lars", "Nielsen", "CFO"),
    ("Mette", "Jensen", "Purchasing"),
    ("Ole", "Berg", "CTO"),
    ("Ingrid", "Solberg", "Operations"),
    ("Erik", "Lindqvist", "Logistics"),
    ("Sara", "Ek", "Procurement"),
    ("Mikko", "Virtanen", "Design lead"),
    ("Aino", "Korhonen", "Finance"),
    ("Jonas", "Møller", "Sales"),
    ("Camilla", "Dahl", "Quality"),
    ("Klaus", "Becker", "Engineering"),
    ("Julia", "Schmidt", "Controller"),
    ("Oliver", "Smith", "Data lead"),
    ("Emma", "Brown", "Analyst"),
    ("Daan", "de Vries", "Director"),
    ("Sanne", "Bakker", "Project manager"),
    ("Henrik", "Larsen", "IT"),
    ("Freja", "Poulsen", "Marketing"),
    ("Nils", "Andersson", "Support"),
    ("Liv", "Haugen", "HR"),
    ("Pekka", "Mäkinen", "Buyer"),
    ("Greta", "Weber", "Legal"),
    ("James", "Taylor", "Sales"),
    ("Eva", "Mulder", "Finance"),
];

const PRODUCTS: &[(&str, &str, &str, &str, f64, f64)] = &[
    (
        "P-100",
        "Container tracking licence",
        "pcs",
        "Software",
        4050.0,
        500.0,
    ),
    (
        "P-200",
        "Onboarding workshop",
        "day",
        "Services",
        9500.0,
        4200.0,
    ),
    (
        "P-300",
        "IoT temperature sensor",
        "pcs",
        "Hardware",
        400.0,
        200.0,
    ),
    (
        "P-400",
        "Support agreement",
        "year",
        "Services",
        12000.0,
        3000.0,
    ),
    (
        "P-500",
        "Data export module",
        "pcs",
        "Software",
        2500.0,
        150.0,
    ),
    (
        "P-600",
        "Gateway appliance",
        "pcs",
        "Hardware",
        6800.0,
        3900.0,
    ),
];

/// Fills an empty database.
pub fn seed(db: &Connection, extra: Option<&Path>) -> Result<(), Error> {
    let count: i64 = db
        .query_row("SELECT COUNT(*) FROM Person", [], |r| r.get(0))
        .map_err(err)?;
    if count == 0 {
        base(db)?;
    }
    if let Some(path) = extra {
        from_file(db, path)?;
    }
    Ok(())
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Server(format!("simulator seed data: {e}"))
}

fn base(db: &Connection) -> Result<(), Error> {
    organisations(db)?;
    persons(db)?;
    deals(db)?;
    catalogue(db)
}

fn organisations(db: &Connection) -> Result<(), Error> {
    for (i, (name, addr, post, city, country)) in ORGS.iter().enumerate() {
        let id = i as i64 + 1;
        let domain = name.split_whitespace().next().unwrap_or("x").to_lowercase();
        row(
            db,
            &ORGANISATION,
            id,
            json!({
                "OrganisationName": name, "OrganisationAddress": addr, "OrganisationPostCode": post,
                "OrganisationCity": city, "OrganisationCountry": country, "OrganisationWww": format!("www.{domain}.example"),
                "OrganisationTelephone": format!("+45 70 20 {:02} {:02}", 10 + i, 30 + i), "OrganisationType": "Customer",
                "OrganisationCustom1": if i % 2 == 0 { "Yes" } else { "No" }, "OrganisationCustom2": (["Gold", "Silver", "Bronze"][i % 3]),
            }),
        )?;
    }
    Ok(())
}

fn persons(db: &Connection) -> Result<(), Error> {
    for (i, (first, last, title)) in PEOPLE.iter().enumerate() {
        let org = (i % ORGS.len()) as i64 + 1;
        let domain = ORGS[i % ORGS.len()]
            .0
            .split_whitespace()
            .next()
            .unwrap_or("x")
            .to_lowercase();
        row(
            db,
            &PERSON,
            i as i64 + 1,
            json!({
                "PersonFirstName": first, "PersonLastName": last, "PersonName": format!("{first} {last}"),
                "PersonTitle": title, "PersonOrganisationId": org, "PersonStatus": "Active",
                "PersonEmail": format!("{}.{}@{domain}.example", ascii(first), ascii(last)),
                "PersonDirectPhone": format!("+45 30 {:02} {:02} {:02}", 10 + i, 20 + i, 40 + i),
                "PersonCustom1": if i % 3 == 0 { "Yes" } else { "No" }, "PersonCustom2": (["Customer", "Prospect", "Partner"][i % 3]),
            }),
        )?;
    }
    Ok(())
}

/// Opportunities 120–125 and deliveries 158–160 (one id space, as in webCRM).
fn deals(db: &Connection) -> Result<(), Error> {
    for i in 0..6 {
        let org = i as i64 % 8 + 1;
        row(
            db,
            &OPPORTUNITY,
            120 + i as i64,
            json!({
                "OpportunityDescription": format!("Fleet tracking rollout, phase {}", i + 1), "OpportunityOrganisationId": org,
                "OpportunityPersonId": org, "OpportunityLevel": 1 + i % 4, "OpportunityPercent": 20 + 10 * i,
                "OpportunityNumber": format!("O-{}", 2400 + i), "OpportunityCurrencyName": "DKK", "OpportunityErpStatus": "NotReadyForSynchronization",
            }),
        )?;
    }
    for i in 0..3 {
        let org = i as i64 + 1;
        row(
            db,
            &DELIVERY,
            158 + i as i64,
            json!({
                "DeliveryDescription": format!("Sensor delivery {}", i + 1), "DeliveryOrganisationId": org, "DeliveryPersonId": org,
                "DeliveryNumber": format!("D-{}", 900 + i), "DeliveryStatus": "Planned", "DeliveryCurrencyName": "DKK",
                "DeliveryOrderDate": "2018-06-28T08:32:21+02:00", "DeliveryRisk": "NoRisk", "DeliveryErpStatus": "ReadyForSynchronization",
            }),
        )?;
    }
    Ok(())
}

/// The product catalogue and two lines on delivery 158 made from it.
fn catalogue(db: &Connection) -> Result<(), Error> {
    for (i, (code, name, unit, group, price, cost)) in PRODUCTS.iter().enumerate() {
        let id = i as i64 + 1;
        let mut data = json!({
            "QuotationLineLinkedDataItemData1": code, "QuotationLineLinkedDataItemData2": name,
            "QuotationLineLinkedDataItemData3": format!("{}", 1_254_540 + i), "QuotationLineLinkedDataItemData4": unit,
            "QuotationLineLinkedDataItemPrice": price, "QuotationLineLinkedDataItemCostPrice": cost,
            "QuotationLineLinkedDataItemDataMemo": format!("{name} ({unit})"), "QuotationLineLinkedDataItemItemGroup": group,
            "QuotationLineLinkedDataItemVatCode": "S25", "QuotationLineLinkedDataItemEntityType": "Product",
        });
        for n in 5..=9 {
            data[format!("QuotationLineLinkedDataItemData{n}")] = json!("-");
        }
        row(db, &LINKED_DATA, id, data)?;
        db.execute("UPDATE LinkedData SET LinkedDataItemId = ?1, LinkedDataItemEntityType = 7 WHERE QuotationLineLinkedDataItemId = ?1", [id])
            .map_err(err)?;
    }
    for (i, (code, name, unit, _, price, cost)) in PRODUCTS.iter().take(2).enumerate() {
        row(
            db,
            &QUOTATION_LINE,
            49 + i as i64,
            json!({
                "QuotationLineData1": code, "QuotationLineData2": name, "QuotationLineData3": format!("{}", 1_254_540 + i),
                "QuotationLineData4": unit, "QuotationLineOpportunityId": 158, "QuotationLineOrganisationId": 1,
                "QuotationLinePrice": price, "QuotationLineListPrice": price, "QuotationLineCostPrice": cost,
                "QuotationLineQuantity": 10.0 - 9.0 * i as f64, "QuotationLineDiscount": if i == 0 { 10.0 } else { 0.0 },
                "QuotationLineSortOrder": 10 * (i + 1), "QuotationLineMemo": format!("{name} for delivery 158"),
            }),
        )?;
        db.execute(
            "UPDATE QuotationLine SET QuotationLineLinkedDataId = ?1 WHERE QuotationLineId = ?2",
            [i as i64 + 1, 49 + i as i64],
        )
        .map_err(err)?;
    }
    Ok(())
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| match c {
            'ø' | 'ö' => 'o',
            'ä' | 'å' => 'a',
            other => other,
        })
        .collect()
}

/// Inserts a row with a fixed id through the same checks as the API.
fn row(db: &Connection, e: &Entity, id: i64, v: Value) -> Result<(), Error> {
    let Value::Object(map) = v else {
        return Err(err("a row must be a mapping"));
    };
    insert_with_id(db, e, id, &map).map_err(|e| err(format!("{e:?}")))
}

fn insert_with_id(
    db: &Connection,
    e: &Entity,
    id: i64,
    map: &Map<String, Value>,
) -> Result<(), super::ApiError> {
    let cols = store::to_columns(e, map)?;
    let new = store::insert(db, e, cols)?;
    if id > 0 && new != id {
        db.execute(
            &format!("UPDATE {} SET {} = ?1 WHERE {} = ?2", e.table, e.id, e.id),
            [id, new],
        )
        .map_err(super::ApiError::db)?;
    }
    Ok(())
}

/// `--seed-data FILE`: a YAML mapping of table name (`Person`, `Organisation`, `Opportunity`,
/// `Delivery`, `QuotationLine`, `LinkedData`) to a list of objects with DTO field names.
fn from_file(db: &Connection, path: &Path) -> Result<(), Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let data: Value =
        serde_yaml::from_str(&text).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let Value::Object(tables) = data else {
        return Err(err(format!(
            "{}: expected a mapping of table names to lists of rows",
            path.display()
        )));
    };
    for (table, rows) in tables {
        let e = schema::ALL
            .iter()
            .find(|e| e.table.eq_ignore_ascii_case(&table))
            .ok_or_else(|| {
                let names: Vec<&str> = schema::ALL.iter().map(|e| e.table).collect();
                err(format!(
                    "{}: unknown table `{table}` (one of {})",
                    path.display(),
                    names.join(", ")
                ))
            })?;
        let Value::Array(rows) = rows else {
            return Err(err(format!("{}: `{table}` must be a list", path.display())));
        };
        for r in rows {
            let Value::Object(map) = r else {
                return Err(err(format!(
                    "{}: rows of `{table}` must be mappings",
                    path.display()
                )));
            };
            let id = map.get(e.id).and_then(Value::as_i64).unwrap_or(0);
            insert_with_id(db, e, id, &map)
                .map_err(|x| err(format!("{}: {table}: {}", path.display(), x.message)))?;
            if e.table == "LinkedData" {
                db.execute("UPDATE LinkedData SET LinkedDataItemId = QuotationLineLinkedDataItemId, LinkedDataItemEntityType = 7", [])
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}
