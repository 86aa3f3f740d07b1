//! webCRM's DTOs (field names and JSON types, from `dto.txt`) and the SQLite tables behind them.
//! Tables are named as webCRM's `/Queries` names them (`Person`, `Organisation`, `Opportunity`,
//! `Delivery`, `QuotationLine`, `LinkedData`); columns are the DTO field names, so a query's rows
//! carry the same names as the REST objects. Date-times are stored as OLE Automation dates.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A field's JSON type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// int32
    Int,
    /// int64
    Long,
    /// double
    Double,
    /// boolean
    Bool,
    /// string
    Str,
    /// date-time string, stored as an OLE Automation date
    Date,
    /// string from a fixed list
    Enum(Vec<String>),
}

impl Ty {
    fn parse(s: &str) -> Ty {
        match s {
            "int" => Ty::Int,
            "long" => Ty::Long,
            "double" => Ty::Double,
            "bool" => Ty::Bool,
            "date" => Ty::Date,
            _ => match s.strip_prefix("enum=") {
                Some(list) => Ty::Enum(list.split(',').map(str::to_string).collect()),
                None => Ty::Str,
            },
        }
    }

    /// The SQLite column type.
    pub fn sql(&self) -> &'static str {
        match self {
            Ty::Int | Ty::Long | Ty::Bool => "INTEGER",
            Ty::Double | Ty::Date => "REAL",
            Ty::Str | Ty::Enum(_) => "TEXT",
        }
    }
}

/// One DTO: ordered fields.
#[derive(Debug)]
pub struct Dto {
    /// Fields in the Swagger file's order.
    pub fields: Vec<(String, Ty)>,
}

/// All DTOs by name.
pub fn dtos() -> &'static HashMap<String, Dto> {
    static DTOS: OnceLock<HashMap<String, Dto>> = OnceLock::new();
    DTOS.get_or_init(|| {
        include_str!("dto.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (name, rest) = l.split_once(": ")?;
                let fields = rest
                    .split(' ')
                    .filter_map(|f| f.split_once(':'))
                    .map(|(k, t)| (k.to_string(), Ty::parse(t)))
                    .collect();
                Some((name.to_string(), Dto { fields }))
            })
            .collect()
    })
}

/// A stored resource: its table, DTO and id column.
#[derive(Debug)]
pub struct Entity {
    /// Table name (as in webCRM queries).
    pub table: &'static str,
    /// DTO name in the Swagger file.
    pub dto: &'static str,
    /// Id field.
    pub id: &'static str,
    /// Field-name prefix for CreatedAt/UpdatedAt/…
    pub prefix: &'static str,
    /// Columns stored besides the DTO's (not returned by REST, visible to queries).
    pub extra: &'static [(&'static str, &'static str)],
}

impl Entity {
    /// The DTO's fields.
    pub fn fields(&self) -> &'static [(String, Ty)] {
        dtos().get(self.dto).map_or(&[], |d| d.fields.as_slice())
    }

    /// `CREATE TABLE` for this entity.
    pub fn create_sql(&self) -> String {
        let mut cols = vec![format!("{} INTEGER PRIMARY KEY AUTOINCREMENT", self.id)];
        for (name, ty) in self.fields() {
            if name != self.id {
                cols.push(format!("{name} {}", ty.sql()));
            }
        }
        for (name, ty) in self.extra {
            cols.push(format!("{name} {ty}"));
        }
        format!(
            "CREATE TABLE IF NOT EXISTS {} ({})",
            self.table,
            cols.join(", ")
        )
    }
}

/// Persons.
pub const PERSON: Entity = Entity {
    table: "Person",
    dto: "PersonDto",
    id: "PersonId",
    prefix: "Person",
    extra: &[],
};
/// Organisations.
pub const ORGANISATION: Entity = Entity {
    table: "Organisation",
    dto: "OrganisationDto",
    id: "OrganisationId",
    prefix: "Organisation",
    extra: &[],
};
/// Opportunities.
pub const OPPORTUNITY: Entity = Entity {
    table: "Opportunity",
    dto: "OpportunityDto",
    id: "OpportunityId",
    prefix: "Opportunity",
    extra: &[],
};
/// Deliveries (won opportunities).
pub const DELIVERY: Entity = Entity {
    table: "Delivery",
    dto: "DeliveryDto",
    id: "DeliveryId",
    prefix: "Delivery",
    extra: &[],
};
/// Quotation lines; the linked-data id is stored but, as in webCRM's `QuotationLineDto`, not returned.
pub const QUOTATION_LINE: Entity = Entity {
    table: "QuotationLine",
    dto: "QuotationLineDto",
    id: "QuotationLineId",
    prefix: "QuotationLine",
    extra: &[("QuotationLineLinkedDataId", "INTEGER")],
};
/// The quotation-line product catalogue (linked data). `LinkedDataItemEntityType` 7 is `Product`,
/// the way webCRM's own integration queries it.
pub const LINKED_DATA: Entity = Entity {
    table: "LinkedData",
    dto: "QuotationLineLinkedDataItemDto",
    id: "QuotationLineLinkedDataItemId",
    prefix: "QuotationLineLinkedDataItem",
    extra: &[
        ("LinkedDataItemId", "INTEGER"),
        ("LinkedDataItemEntityType", "INTEGER"),
    ],
};

/// Every table.
pub const ALL: [&Entity; 6] = [
    &PERSON,
    &ORGANISATION,
    &OPPORTUNITY,
    &DELIVERY,
    &QUOTATION_LINE,
    &LINKED_DATA,
];

/// Custom fields with rules: checkboxes take "Yes"/"No", lists take one of their options exactly.
pub fn custom_rule(field: &str) -> Option<CustomRule> {
    Some(match field {
        "PersonCustom1" | "OrganisationCustom1" => CustomRule::Checkbox,
        "PersonCustom2" => CustomRule::List(&["Customer", "Prospect", "Partner"]),
        "OrganisationCustom2" => CustomRule::List(&["Gold", "Silver", "Bronze"]),
        _ => return None,
    })
}

/// A configured custom field.
#[derive(Debug, Clone, Copy)]
pub enum CustomRule {
    /// "Yes" or "No".
    Checkbox,
    /// One of the options, case-sensitive.
    List(&'static [&'static str]),
}
