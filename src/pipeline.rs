//! The stages every command runs, in one place:
//!
//! ```text
//! load      the framework (validated) and the inputs it reads, each read once
//! score     rules → exact points per leaf and stage, totals
//! rank      ranks overall and in groups, bands
//! analyse   (crate::analysis) gaps, year over year, summary
//! report    (crate::report) typed tables → (crate::export) a format
//! ```
//!
//! `score`, `explain`, `check` and `gaps` run [`run`]; `metrics` runs [`metrics`] and
//! `sipas` runs [`sipas`], which stop after loading their one input.

use crate::diag::Diagnostic;
use crate::dossier::{self, MetricsTable};
use crate::framework::Framework;
use crate::input::checklist::{self, ChecklistRow};
use crate::input::columns::Input;
use crate::input::units::{self, Unit};
use crate::input::{RowStats, Table};
use crate::period::Period;
use crate::portal;
use crate::project::{InputFile, Spec};
use crate::score::{Scoring, Stage};
use crate::survey::{self, SurveyBy, SurveyTable};
use crate::Error;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Required columns of the unit register.
pub const UNITS_COLUMNS: [&str; 2] = ["unit_id", "name"];
/// Required columns of the checklist.
pub const CHECKLIST_COLUMNS: [&str; 2] = ["unit_id", "criterion_id"];

/// A completed, ranked scoring run.
#[derive(Debug, Clone)]
pub struct Run {
    /// The framework used.
    pub framework: Framework,
    /// The period, if one was given.
    pub period: Option<Period>,
    /// Units (in rank order), totals at the ranked stage, row counts.
    pub scoring: Scoring,
    /// Every finding, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The inputs of the units [`Options::keep_inputs`] asked for, for what-ifs
    /// ([`crate::analysis::advice`]).
    pub inputs: BTreeMap<String, crate::score::UnitInputs>,
    /// The official service indicators per unit, when the framework scores on them.
    pub official: Option<Indicators>,
}

/// How [`run`] runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The stage to rank on (default: the last the checklist has).
    pub stage: Option<Stage>,
    /// A project without a checklist yet loads with none (forms are made before one
    /// exists).
    pub checklist_optional: bool,
    /// Keep the inputs of these units (`Some(empty)`: of every unit).
    pub keep_inputs: Option<Vec<String>>,
    /// Rank each area too, whatever the framework says (`--area-ranks`).
    pub area_ranks: bool,
    /// Summarise by this register column (`--summary-by`), whatever the framework says.
    pub summary_by: Option<String>,
}

impl Run {
    /// Error-level findings in the data (exit code 1 when non-zero).
    pub fn errors(&self) -> usize {
        crate::diag::errors(&self.diagnostics)
    }

    /// The stage the ranking is on.
    pub fn stage(&self) -> Stage {
        self.scoring.stage
    }

    /// Whether the self-assessment columns (self_index, appraisal_delta) apply: the
    /// checklist has self-scores and the ranking is on a later stage.
    pub fn shows_self(&self) -> bool {
        self.scoring.has_self && self.scoring.stage != Stage::SelfAssessed
    }
}

/// Loads the framework a spec names (validated: every problem, or a framework).
pub fn load_framework(spec: &Spec) -> Result<Framework, Error> {
    let (name, base) = spec.framework.as_ref().ok_or_else(|| {
        if spec.has_manifest {
            Error::Usage("no framework: set `framework` in cchc.toml or give --framework".into())
        } else {
            let d = spec.dir.display();
            Error::Usage(format!(
                "{d} has no {}: give --framework, --units and --checklist, or run `cchc init {d}` for an example project",
                crate::project::MANIFEST
            ))
        }
    })?;
    crate::framework::load(name, base).map_err(Error::Diagnostics)
}

/// The inputs of a scoring run, read and checked.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The framework.
    pub framework: Framework,
    /// The period, if any.
    pub period: Option<Period>,
    /// The units and the register's row counts.
    pub units: (Vec<Unit>, RowStats),
    /// The checklist rows and the file they came from (none when the framework scores
    /// nothing on a checklist and none was given).
    pub checklist: Option<(Vec<ChecklistRow>, String)>,
    /// Dossier counts per unit, when the framework scores on the log.
    pub dossiers: Option<MetricsTable>,
    /// Survey figures per unit, when the framework scores on the survey.
    pub survey: Option<SurveyTable>,
    /// Officials' survey figures per unit, when the framework scores on it.
    pub officials: Option<crate::officials::OfficialsTable>,
    /// The official service indicators per unit, when the framework scores on them.
    pub official: Option<BTreeMap<String, Vec<portal::Indicator>>>,
    /// The row counts of the official method's other inputs (catalogue, petitions).
    pub official_stats: Vec<RowStats>,
    /// Findings so far.
    pub diagnostics: Vec<Diagnostic>,
}

fn need<'a>(f: &'a Option<InputFile>, what: &str) -> Result<&'a InputFile, Error> {
    f.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "no {what} file: set inputs.{what} in cchc.toml or give --{what}"
        ))
    })
}

/// Reads the unit register once: units, row counts, findings.
pub fn units(
    spec: &Spec,
    file: &InputFile,
    group_column: &str,
    warn_without_groups: bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Vec<Unit>, RowStats), Error> {
    let table = spec.read_table(file, Input::Units, &UNITS_COLUMNS)?;
    Ok(units::read(
        &table,
        group_column,
        warn_without_groups,
        diags,
    ))
}

/// Stage 1: the framework and every input it reads.
pub fn load(spec: &Spec, progress: dossier::Progress) -> Result<Loaded, Error> {
    load_with(spec, progress, true)
}

/// [`load`]; without `checklist_required`, a project with no checklist yet (forms are
/// made before one exists) loads with none.
fn load_with(
    spec: &Spec,
    progress: dossier::Progress,
    checklist_required: bool,
) -> Result<Loaded, Error> {
    let framework = load_framework(spec)?;
    let period = spec
        .period
        .as_deref()
        .map(|p| Period::parse_with(p, spec.convention))
        .transpose()?;
    let mut diagnostics = spec.notes.clone();
    let units = units(
        spec,
        need(&spec.units, "units")?,
        &framework.ranking.group_column,
        framework.ranking.group_declared,
        &mut diagnostics,
    )?;
    // A framework scored on the official indicators runs without a checklist: its
    // checklist criteria are then not applicable.
    let optional = !checklist_required || framework.uses_official();
    let checklist = if spec.checklist.is_none() && (!framework.uses_checklist() || optional) {
        None // every criterion comes from the log or the survey
    } else {
        let f = need(&spec.checklist, "checklist")?;
        let table = spec.read_table(f, Input::Checklist, &CHECKLIST_COLUMNS)?;
        let file = table.file.to_string();
        Some((checklist::read(table, &mut diagnostics), file))
    };
    let mut official = None;
    let mut official_stats = Vec::new();
    let dossiers = if framework.uses_dossiers() {
        let (table, indicators) = unit_dossiers(
            spec,
            &framework,
            period.as_ref(),
            &units.0,
            progress,
            &mut diagnostics,
        )?;
        if let Some((indicators, stats)) = indicators {
            official = Some(indicators);
            official_stats = stats;
        }
        Some(table)
    } else {
        diagnostics.extend(not_used(
            &framework,
            &spec.dossiers,
            "dossier",
            "the dossier log",
        ));
        None
    };
    if !framework.uses_official() {
        for (input, what) in [
            (&spec.petitions, "the petitions file"),
            (&spec.previous_counts, "last year's counts"),
            (&spec.counts, "the counts file"),
        ] {
            diagnostics.extend(not_used(&framework, input, "official-indicator", what));
        }
    }
    let survey = unit_survey(spec, &framework, &units.0, &mut diagnostics)?;
    let officials = unit_officials(spec, &framework, &units.0, &mut diagnostics)?;
    Ok(Loaded {
        framework,
        period,
        units,
        checklist,
        dossiers,
        survey,
        officials,
        official,
        official_stats,
        diagnostics,
    })
}

/// The officials' survey figures per unit, when the framework scores criteria on it.
fn unit_officials(
    spec: &Spec,
    framework: &Framework,
    units: &[Unit],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<crate::officials::OfficialsTable>, Error> {
    let Some(o) = framework
        .officials
        .as_ref()
        .filter(|_| framework.uses_officials())
    else {
        diagnostics.extend(not_used(
            framework,
            &spec.officials,
            "officials",
            "the officials' survey file",
        ));
        return Ok(None);
    };
    let file = spec.officials.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "framework {} scores criteria on the officials' survey: set inputs.officials in cchc.toml or give --officials",
            framework.id
        ))
    })?;
    let table = spec.read_table(file, Input::Officials, &crate::officials::COLUMNS)?;
    Ok(Some(crate::officials::table_of(
        o,
        &table,
        units,
        diagnostics,
    )))
}

/// The survey figures per unit, when the framework scores criteria on the survey.
fn unit_survey(
    spec: &Spec,
    framework: &Framework,
    units: &[Unit],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<SurveyTable>, Error> {
    Ok(if framework.uses_survey() {
        let file = spec.survey.as_ref().ok_or_else(|| {
            Error::Usage(format!(
                "framework {} scores criteria on the survey: set inputs.survey in cchc.toml or give --survey",
                framework.id
            ))
        })?;
        let table = spec.read_table(file, Input::Survey, &survey::COLUMNS)?;
        let by = SurveyBy::Unit;
        Some(survey::table_of(
            framework,
            &table,
            Some(units),
            by,
            diagnostics,
        )?)
    } else {
        diagnostics.extend(not_used(
            framework,
            &spec.survey,
            "survey",
            "the survey file",
        ));
        None
    })
}

/// Reads a unit lineage (CSV or workbook, the official conversion table included);
/// findings about its rows go to `diags`.
pub fn load_lineage(
    f: &crate::project::InputFile,
    mapping: &crate::input::columns::Mapping,
    decimal_comma: bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<crate::input::lineage::Lineage, Error> {
    let aliases = crate::input::columns::Aliases::of(Input::Lineage, mapping);
    let mut table = Table::read_as(
        &f.path,
        f.sheet.as_deref(),
        &f.shown,
        &crate::input::lineage::COLUMNS,
        &aliases,
    )?;
    table.decimal_comma |= decimal_comma;
    Ok(crate::input::lineage::read(&table, diags))
}

/// Each unit's official indicators per unit (the framework's `official:` criteria).
pub type Indicators = BTreeMap<String, Vec<portal::Indicator>>;

/// The official indicators and the row counts of the catalogue and petitions.
type OfficialLoaded = (Indicators, Vec<RowStats>);

/// The dossier counts per unit that the framework's dossier criteria read, and the
/// official indicators when it scores on them.
fn unit_dossiers(
    spec: &Spec,
    framework: &Framework,
    period: Option<&Period>,
    units: &[Unit],
    progress: dossier::Progress,
    diags: &mut Vec<Diagnostic>,
) -> Result<(MetricsTable, Option<OfficialLoaded>), Error> {
    let period = period.cloned().ok_or_else(|| {
        Error::Usage(
            "the dossier criteria need a period: set `period` in cchc.toml or give --period".into(),
        )
    })?;
    let ids = units.iter().map(|u| u.id.clone()).collect();
    let own = framework
        .leaves
        .iter()
        .any(|l| l.dossier_metric().is_some());
    if framework.uses_official() && !(own && spec.counts.is_some()) {
        let (opts, inputs) =
            official_options(spec, period, dossier::GroupBy::Unit, Some(ids), diags)?;
        let table = official_scan(spec, &opts, progress)?;
        diags.extend(table.diagnostics.iter().cloned());
        let indicators = indicators_of(&table, &inputs, units, framework, &opts, diags);
        return Ok((table, Some((indicators, inputs.stats()))));
    }
    if spec.counts.is_some() {
        return Err(Error::Usage(format!(
            "framework {} scores cchc's own dossier metrics, which a counts file (--counts) does not hold: give the log (--dossiers)",
            framework.id
        )));
    }
    let log = spec.dossiers.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "framework {} scores criteria on the dossier log: set inputs.dossiers in cchc.toml or give --dossiers",
            framework.id
        ))
    })?;
    let opts = dossier_options(
        spec,
        period,
        dossier::GroupBy::Unit,
        Some(ids),
        dossier::RateDefinitions::default(),
        diags,
    )?;
    let table = dossier::compute(&log.path, &log.shown, &opts, progress)?;
    diags.extend(table.diagnostics.iter().cloned());
    Ok((table, None))
}

/// What the log contributes under the official method: its scan, or the counts file a
/// warehouse computed from it (`--counts`), read in its place.
fn official_scan(
    spec: &Spec,
    opts: &dossier::Options,
    progress: dossier::Progress,
) -> Result<MetricsTable, Error> {
    if let Some(f) = &spec.counts {
        let t = spec.read_table(f, Input::Counts, &dossier::counts_columns())?;
        return Ok(dossier::read_counts(&t, opts)?);
    }
    let log = spec.dossiers.as_ref().ok_or_else(|| {
        Error::Usage(
            "no dossier log: give --dossiers FILE (.csv or .parquet), or --counts FILE (the official counts a warehouse computed)".into(),
        )
    })?;
    Ok(dossier::compute(&log.path, &log.shown, opts, progress)?)
}

/// The period a run names (`--period`, or the manifest's).
fn spec_period(spec: &Spec) -> Result<Period, Error> {
    let period = spec.period.as_deref().ok_or_else(|| {
        Error::Usage("no period: give --period (2025, 2025-Q1, 2025-03 or FROM..TO)".into())
    })?;
    Ok(Period::parse_with(period, spec.convention)?)
}

/// The `input-not-used` warning for an input the project names but the framework never
/// reads (`kind`: which criteria would read it; `what`: the file in words).
fn not_used(
    framework: &Framework,
    input: &Option<InputFile>,
    kind: &str,
    what: &str,
) -> Option<Diagnostic> {
    input.as_ref().map(|f| {
        Diagnostic::new(
            crate::diag::Code::InputNotUsed,
            format!(
                "framework {} has no {kind} criteria; {what} is not read",
                framework.id
            ),
        )
        .at(&f.shown, None)
    })
}

/// Stage 2: rules → points, at `stage` (default: the last stage the checklist has).
pub fn score(loaded: Loaded, stage: Option<Stage>) -> Run {
    score_keeping(loaded, stage, None)
}

/// [`score`], keeping the inputs of the units `keep` names (empty: every unit).
fn score_keeping(loaded: Loaded, stage: Option<Stage>, keep: Option<&[String]>) -> Run {
    let Loaded {
        framework,
        period,
        units: (units, unit_stats),
        checklist,
        dossiers,
        survey,
        officials,
        official,
        official_stats,
        mut diagnostics,
    } = loaded;
    // Each unit's dossier counts, once for the scores and the inputs kept.
    let per_unit = per_unit(dossiers.as_ref());
    let (rows, file) = match &checklist {
        Some((rows, file)) => (rows.as_slice(), Some(file.as_str())),
        None => (&[][..], None),
    };
    let evidence = crate::score::Evidence {
        dossiers: per_unit.as_ref(),
        survey: survey.as_ref().map(|s| &s.figures),
        officials: officials.as_ref().map(|s| &s.figures),
        official: official.as_ref(),
        no_checklist: checklist.is_none() && official.is_some(),
    };
    let inputs = match keep {
        None => BTreeMap::new(),
        Some(ids) => {
            let ids: Vec<&str> = if ids.is_empty() {
                units.iter().map(|u| u.id.as_str()).collect()
            } else {
                ids.iter().map(String::as_str).collect()
            };
            crate::score::UnitInputs::of_units(&framework, &ids, rows, evidence)
        }
    };
    let mut scoring = crate::score::score(
        &framework,
        units,
        rows,
        file,
        evidence,
        stage,
        &mut diagnostics,
    );
    scoring.stats.insert(0, unit_stats);
    if checklist.is_none() {
        scoring.stats.retain(|s| s.input != "checklist");
    }
    scoring.stats.extend(survey.map(|s| s.stats));
    scoring.stats.extend(officials.map(|s| s.stats));
    scoring.stats.extend(dossiers.map(|t| t.stats));
    scoring.stats.extend(official_stats);
    crate::diag::sort(&mut diagnostics);
    Run {
        framework,
        period,
        scoring,
        diagnostics,
        inputs,
        official,
    }
}

/// Stage 3: ranks, groups, bands.
pub fn rank(run: &mut Run) {
    crate::rank::apply(&run.framework, &mut run.scoring.units);
}

/// Each unit's dossier counts (the log is counted per unit for a scoring run).
fn per_unit(dossiers: Option<&MetricsTable>) -> Option<BTreeMap<String, dossier::Counts>> {
    dossiers.map(|t| t.rows.iter().map(|(k, c)| (k[0].clone(), *c)).collect())
}

/// The inputs of each unit of `ids` from loaded data, kept for what-ifs
/// ([`crate::analysis::advice`]).
pub fn unit_inputs(loaded: &Loaded, ids: &[&str]) -> BTreeMap<String, crate::score::UnitInputs> {
    let per = per_unit(loaded.dossiers.as_ref());
    let evidence = crate::score::Evidence {
        dossiers: per.as_ref(),
        survey: loaded.survey.as_ref().map(|s| &s.figures),
        officials: loaded.officials.as_ref().map(|s| &s.figures),
        official: loaded.official.as_ref(),
        no_checklist: loaded.checklist.is_none() && loaded.official.is_some(),
    };
    let rows = loaded
        .checklist
        .as_ref()
        .map_or(&[][..], |(rows, _)| rows.as_slice());
    crate::score::UnitInputs::of_units(&loaded.framework, ids, rows, evidence)
}

/// The one sequence every scoring command runs: load → score → rank.
pub fn run(spec: &Spec, opts: &Options, progress: dossier::Progress) -> Result<Run, Error> {
    let loaded = load_with(spec, progress, !opts.checklist_optional)?;
    let mut run = score_keeping(loaded, opts.stage, opts.keep_inputs.as_deref());
    run.framework.ranking.area_ranks |= opts.area_ranks;
    if let Some(c) = &opts.summary_by {
        run.framework.ranking.summary_by = Some(crate::input::normalize(c));
    }
    let units = &run.scoring.units;
    if let Some(c) = run.framework.ranking.summary_by.clone() {
        if !units.is_empty() && units.iter().all(|u| u.unit.attr(&c).is_none()) {
            let file = run.scoring.stats.first().map(|s| s.file.clone());
            run.diagnostics.push(
                Diagnostic::new(
                    crate::diag::Code::NoSummaryColumn,
                    format!(
                        "the unit register has no column `{c}`: the summary is per ranking group"
                    ),
                )
                .at(file.as_deref().unwrap_or("units"), Some(1)),
            );
            run.framework.ranking.summary_by = None;
            crate::diag::sort(&mut run.diagnostics);
        }
    }
    rank(&mut run);
    Ok(run)
}

/// Scores tables already read (for tests and tools), then ranks.
pub fn score_tables(
    framework: Framework,
    period: Option<Period>,
    units_table: &Table,
    checklist_table: &Table,
    mut diagnostics: Vec<Diagnostic>,
) -> Run {
    let units = units::read(
        units_table,
        &framework.ranking.group_column,
        framework.ranking.group_declared,
        &mut diagnostics,
    );
    let rows = checklist::read(checklist_table.clone(), &mut diagnostics);
    let loaded = Loaded {
        framework,
        period,
        units,
        checklist: Some((rows, checklist_table.file.to_string())),
        dossiers: None,
        survey: None,
        officials: None,
        official: None,
        official_stats: Vec::new(),
        diagnostics,
    };
    let mut run = score(loaded, None);
    rank(&mut run);
    run
}

/// Builds the dossier-engine options from a spec: reads the procedure register and the
/// calendar it names (the built-in calendar otherwise). Findings in them go to `diags`.
pub fn dossier_options(
    spec: &Spec,
    period: Period,
    by: dossier::GroupBy,
    units: Option<Vec<String>>,
    rates: dossier::RateDefinitions,
    diags: &mut Vec<Diagnostic>,
) -> Result<dossier::Options, Error> {
    let procedures = match &spec.procedures {
        Some(f) => {
            let t = spec.read_table(f, Input::Procedures, &["procedure_id", "processing_days"])?;
            Some(dossier::Procedures::from_table(&t, diags))
        }
        None => None,
    };
    let mut opts = log_options(spec, period, by, units, diags)?;
    opts.procedures = procedures;
    opts.rates = rates;
    Ok(opts)
}

/// The dossier-engine options under the official method (`--method 766`), and the
/// method's other inputs: the procedures file read as the catalogue, the petitions and
/// last year's counts (per unit: not read by procedure, where they are not used).
pub fn official_options(
    spec: &Spec,
    period: Period,
    by: dossier::GroupBy,
    units: Option<Vec<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(dossier::Options, portal::Inputs), Error> {
    let mut opts = log_options(spec, period, by, units, diags)?;
    let catalogue = match &spec.procedures {
        Some(f) => {
            let t = spec.read_table(f, Input::Procedures, &["procedure_id"])?;
            Some(portal::Catalogue::read(&t, diags))
        }
        None => None,
    };
    let window = window_of(&opts.period);
    let per_unit = by != dossier::GroupBy::Procedure;
    let petitions = match &spec.petitions {
        Some(f) if per_unit => {
            let t = spec.read_table(f, Input::Petitions, &portal::PETITION_COLUMNS)?;
            Some(portal::Petitions::read(&t, window, &opts.calendar, diags))
        }
        _ => None,
    };
    let previous = match &spec.previous_counts {
        Some(f) if per_unit => {
            let months = opts.period.whole_months().ok_or_else(|| {
                Error::Usage(format!(
                    "--previous-counts scales last year's count to the period (÷ 12 a month, ÷ 4 a quarter): period {} is not whole months",
                    opts.period.label
                ))
            })?;
            let t = spec.read_table(f, Input::PreviousCounts, &portal::PREVIOUS_COLUMNS)?;
            Some(portal::Previous::read(&t, months).map_err(Error::Usage)?)
        }
        _ => None,
    };
    let inputs = portal::Inputs {
        catalogue,
        petitions,
        previous,
    };
    // Processing times (2.2) are shown by procedure only.
    opts.official = Some(std::sync::Arc::new(inputs.setup(window, !per_unit)));
    Ok((opts, inputs))
}

/// An `input-not-used` warning for each per-unit input of the official method that
/// was given (the petitions, last year's counts) to a run that does not read it;
/// `why` says so for the input's name.
fn per_unit_inputs_unused(spec: &Spec, why: impl Fn(&str) -> String) -> Vec<Diagnostic> {
    [
        (&spec.petitions, "petitions"),
        (&spec.previous_counts, "last year's counts"),
    ]
    .into_iter()
    .filter_map(|(f, what)| {
        let f = f.as_ref()?;
        Some(Diagnostic::new(crate::diag::Code::InputNotUsed, why(what)).at(&f.shown, None))
    })
    .collect()
}

/// The period as the official rules read it.
pub fn window_of(p: &Period) -> dossier::Window {
    dossier::Window {
        first: p.from.to_days(),
        last: p.to.to_days(),
    }
}

/// The options every scan shares: the period, grouping, calendar, how the log is read.
fn log_options(
    spec: &Spec,
    period: Period,
    by: dossier::GroupBy,
    units: Option<Vec<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<dossier::Options, Error> {
    let calendar = match &spec.calendar {
        Some(f) => {
            let t = spec.read_table(f, Input::Calendar, &["date", "kind"])?;
            dossier::Calendar::from_table(&t, diags)
        }
        None => dossier::Calendar::builtin(),
    };
    Ok(dossier::Options {
        period,
        by,
        skip_invalid: spec.skip_invalid,
        procedures: None,
        calendar,
        units,
        rates: dossier::RateDefinitions::default(),
        decimal_comma: spec.decimal_comma,
        scan: spec.scan,
        sheet: spec.dossiers.as_ref().and_then(|d| d.sheet.clone()),
        aliases: crate::input::columns::Aliases::of(Input::Dossiers, &spec.columns),
        official: None,
    })
}

/// What `metrics` computes.
pub struct Metrics {
    /// The table.
    pub table: MetricsTable,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
}

/// The log and the period a metrics run needs.
fn log_and_period(spec: &Spec) -> Result<(InputFile, Period), Error> {
    let period = spec_period(spec)?;
    let log = spec.dossiers.clone().ok_or_else(|| {
        Error::Usage("no dossier log: give --dossiers FILE (.csv or .parquet)".into())
    })?;
    Ok((log, period))
}

/// What a metrics run reads before the log: the log, the options, the findings so far.
fn metrics_setup(
    spec: &Spec,
    by: dossier::GroupBy,
    rates: dossier::RateDefinitions,
) -> Result<(crate::project::InputFile, dossier::Options, Vec<Diagnostic>), Error> {
    let (log, period) = log_and_period(spec)?;
    if spec.counts.is_some() {
        return Err(Error::Usage(
            "--counts holds the official method's counts: use it with --method 766".into(),
        ));
    }
    let mut diagnostics = spec.notes.clone();
    diagnostics.extend(per_unit_inputs_unused(spec, |what| {
        format!("cchc's own metrics do not read {what}; `--method 766` does")
    }));
    let ids = match &spec.units {
        Some(f) => {
            let (units, _) = units(spec, f, "group", false, &mut diagnostics)?;
            Some(units.into_iter().map(|u| u.id).collect())
        }
        None => None,
    };
    for (m, def) in rates.partial() {
        diagnostics.push(Diagnostic::new(
            crate::diag::Code::RateNotNested,
            format!("{} = {def}: the denominator does not hold every dossier of the numerator, so the rate can exceed 100%", m.name()),
        ));
    }
    let opts = dossier_options(spec, period, by, ids, rates, &mut diagnostics)?;
    Ok((log, opts, diagnostics))
}

/// The metrics pipeline: load the register (if any) and the log, count.
pub fn metrics(
    spec: &Spec,
    by: dossier::GroupBy,
    rates: dossier::RateDefinitions,
    progress: dossier::Progress,
) -> Result<Metrics, Error> {
    let (log, opts, mut diagnostics) = metrics_setup(spec, by, rates)?;
    let table = dossier::compute(&log.path, &log.shown, &opts, progress)?;
    diagnostics.extend(table.diagnostics.iter().cloned());
    crate::diag::sort(&mut diagnostics);
    Ok(Metrics { table, diagnostics })
}

/// The query computing the same table in a warehouse (`--emit-sql`), and the
/// findings of the inputs it was built from (the register, procedures, calendar).
pub fn metrics_sql(
    spec: &Spec,
    by: dossier::GroupBy,
    rates: dossier::RateDefinitions,
    dialect: dossier::Dialect,
) -> Result<(String, Vec<Diagnostic>), Error> {
    let (log, opts, mut diagnostics) = metrics_setup(spec, by, rates)?;
    let sql = dossier::emit_sql(&log.path, &log.shown, &opts, dialect)?;
    crate::diag::sort(&mut diagnostics);
    Ok((sql, diagnostics))
}

/// The query computing the official method's counts per unit and procedure in a
/// warehouse (`--method 766 --emit-sql`), and the findings of the inputs it was built
/// from (the catalogue, petitions, calendar). Its result is a counts file (`--counts`).
pub fn metrics_official_sql(
    spec: &Spec,
    dialect: dossier::Dialect,
) -> Result<(String, Vec<Diagnostic>), Error> {
    if spec.counts.is_some() {
        return Err(Error::Usage(
            "--emit-sql computes the counts from the log: leave --counts out".into(),
        ));
    }
    let (log, period) = log_and_period(spec)?;
    let mut diagnostics = spec.notes.clone();
    let by = dossier::GroupBy::Unit;
    let (opts, _) = official_options(spec, period, by, None, &mut diagnostics)?;
    let sql = dossier::emit_official_sql(&log.path, &log.shown, &opts, dialect)?;
    crate::diag::sort(&mut diagnostics);
    Ok((sql, diagnostics))
}

/// What `sipas` computes.
pub struct Sipas {
    /// The framework whose `[survey]` table was used.
    pub framework: Framework,
    /// The figures.
    pub table: SurveyTable,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
}

/// The survey pipeline: load the framework, the register (if any) and the answers,
/// tally per unit or group.
pub fn sipas(spec: &Spec, by: SurveyBy) -> Result<Sipas, Error> {
    let file = spec.survey.clone().ok_or_else(|| {
        Error::Usage(
            "no survey: give --survey FILE (columns response_id, unit_id, question_id, answer)"
                .into(),
        )
    })?;
    let framework = load_framework(spec)?;
    let mut diagnostics = spec.notes.clone();
    let units = match &spec.units {
        Some(f) => {
            let group = framework.ranking.group_column.clone();
            let by_group = by == SurveyBy::Group;
            Some(units(spec, f, &group, by_group, &mut diagnostics)?.0)
        }
        None => None,
    };
    let table = spec.read_table(&file, Input::Survey, &survey::COLUMNS)?;
    let st = survey::table_of(&framework, &table, units.as_deref(), by, &mut diagnostics)?;
    crate::diag::sort(&mut diagnostics);
    Ok(Sipas {
        framework,
        table: st,
        diagnostics,
    })
}

/// What `metrics --method 766` computes: a scoring run on the official framework
/// (the indicators of each unit with its points), the period, and the log's rows.
pub struct OfficialMetrics {
    /// The run (its `official` holds each unit's indicators).
    pub run: Run,
    /// The period.
    pub period: Period,
    /// The log's row counts.
    pub stats: RowStats,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a `metrics` run computes the official index (`--method 766`, or
/// `--framework`, or no method in a project whose framework scores official
/// indicators); if so, `spec.framework` becomes the framework it scores on:
/// `--framework`, else the manifest's when it scores official indicators, else
/// `service-766-2026`. Used by the run and by `verify` alike.
pub fn official_method(
    spec: &mut Spec,
    method: Option<crate::cli::Method>,
    framework: Option<&str>,
) -> Result<bool, Error> {
    use crate::cli::Method;
    let manifest_official =
        || spec.framework.is_some() && load_framework(spec).is_ok_and(|f| f.uses_official());
    let official = match (method, framework) {
        (Some(Method::Cchc), Some(_)) => {
            return Err(Error::Usage(
                "--framework scores the official indicators: use it with --method 766, or leave --method out".into(),
            ))
        }
        (Some(Method::Official), _) | (None, Some(_)) => true,
        (Some(Method::Cchc), None) => false,
        (None, None) => manifest_official(),
    };
    if official {
        let keep = framework.is_none() && manifest_official();
        if !keep {
            let name = framework.unwrap_or("service-766-2026");
            spec.framework = Some((name.to_string(), PathBuf::from(".")));
        }
    }
    Ok(official)
}

/// The framework `metrics --method 766` scores on (the spec's, as
/// [`official_method`] set it), refused unless it scores official indicators.
fn official_framework(spec: &Spec) -> Result<Framework, Error> {
    let fw = load_framework(spec)?;
    if !fw.uses_official() {
        return Err(Error::Usage(format!(
            "framework {} scores no official indicator (ratio = \"official:<id>\"): give --framework service-766-2026 or a framework that does",
            fw.id
        )));
    }
    Ok(fw)
}

/// Each unit's official indicators from a scan under the official method (a unit's
/// `kind` in the register picks the catalogue's `level`), and the findings about
/// them: absent inputs, unknown supplements, days beyond the calendar, petitions of
/// units the index does not have, procedures the catalogue does not list.
fn indicators_of(
    table: &MetricsTable,
    inputs: &portal::Inputs,
    units: &[Unit],
    framework: &Framework,
    opts: &dossier::Options,
    diags: &mut Vec<Diagnostic>,
) -> Indicators {
    let kinds: BTreeMap<String, String> = units
        .iter()
        .filter_map(|u| Some((u.id.clone(), u.attr("kind")?.to_string())))
        .collect();
    let empty = dossier::OfficialCounts::default();
    let gathered = table.official.as_ref().unwrap_or(&empty);
    let window = window_of(&opts.period);
    let indicators = portal::compute(gathered, inputs, &kinds, window, &opts.calendar);
    let scored = framework.official_indicators();
    diags.extend(portal::missing_findings(&scored, &indicators));
    diags.extend(portal::supplement_finding(&scored, &gathered.columns));
    diags.extend(portal::calendar_finding(gathered));
    diags.extend(portal::input_units(inputs, &indicators));
    diags.extend(portal::catalogue_finding(inputs, gathered));
    diags.extend(portal::catalogue_units(inputs, &kinds, &indicators));
    indicators
}

/// Units named only by the log (no register): each id its own name, one group.
fn units_of_log<'a>(ids: impl Iterator<Item = &'a String>) -> (Vec<Unit>, RowStats) {
    let units: Vec<Unit> = ids
        .map(|id| Unit {
            id: id.clone(),
            name: id.clone(),
            group: String::new(),
            line: 0,
            attrs: Vec::new(),
        })
        .collect();
    let stats = RowStats {
        input: "units".into(),
        file: "the log's units".into(),
        read: units.len(),
        used: units.len(),
        rejected: 0,
    };
    (units, stats)
}

/// The official service index per unit (`metrics --method 766`): the log read under
/// the official rules, the catalogue and petitions, each unit scored on the framework.
/// Units come from the register when one is given, else from the log.
pub fn metrics_official(
    spec: &Spec,
    progress: dossier::Progress,
) -> Result<OfficialMetrics, Error> {
    let framework = official_framework(spec)?;
    let period = spec_period(spec)?;
    let mut diagnostics = spec.notes.clone();
    let register = match &spec.units {
        Some(f) => Some(units(
            spec,
            f,
            &framework.ranking.group_column,
            framework.ranking.group_declared,
            &mut diagnostics,
        )?),
        None => None,
    };
    let ids = register
        .as_ref()
        .map(|(u, _)| u.iter().map(|u| u.id.clone()).collect());
    let (opts, inputs) = official_options(
        spec,
        period.clone(),
        dossier::GroupBy::Unit,
        ids,
        &mut diagnostics,
    )?;
    let table = official_scan(spec, &opts, progress)?;
    diagnostics.extend(table.diagnostics.iter().cloned());
    let registered = register.as_ref().map_or(&[][..], |(u, _)| u.as_slice());
    let indicators = indicators_of(
        &table,
        &inputs,
        registered,
        &framework,
        &opts,
        &mut diagnostics,
    );
    let units = register.unwrap_or_else(|| units_of_log(indicators.keys()));
    let checklist = match &spec.checklist {
        Some(f) => {
            let t = spec.read_table(f, Input::Checklist, &CHECKLIST_COLUMNS)?;
            let file = t.file.to_string();
            Some((checklist::read(t, &mut diagnostics), file))
        }
        None => None,
    };
    let stats = table.stats.clone();
    let loaded = Loaded {
        framework,
        period: Some(period.clone()),
        units,
        checklist,
        dossiers: Some(table),
        survey: None,
        officials: None,
        official: Some(indicators),
        official_stats: inputs.stats(),
        diagnostics,
    };
    let mut run = score(loaded, None);
    rank(&mut run);
    let diagnostics = run.diagnostics.clone();
    Ok(OfficialMetrics {
        run,
        period,
        stats,
        diagnostics,
    })
}

/// What `metrics --method 766 --by procedure` computes: each unit's procedures and
/// their dossier indicators.
pub struct ProcedureMetrics {
    /// (unit, procedure, indicators), sorted.
    pub rows: Vec<(String, String, Vec<portal::Indicator>)>,
    /// The period.
    pub period: Period,
    /// The log's row counts.
    pub stats: RowStats,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
}

/// The drill-down of `metrics --method 766`: the dossier indicators of each unit's
/// procedures (numerator, denominator, ratio; a procedure is not scored).
pub fn metrics_official_by_procedure(
    spec: &Spec,
    progress: dossier::Progress,
) -> Result<ProcedureMetrics, Error> {
    let period = spec_period(spec)?;
    let mut diagnostics = spec.notes.clone();
    let by = dossier::GroupBy::Procedure;
    let (opts, inputs) = official_options(spec, period.clone(), by, None, &mut diagnostics)?;
    diagnostics.extend(per_unit_inputs_unused(spec, |what| {
        format!("`--by procedure` scores each unit's procedures; {what} are per unit: not used")
    }));
    let table = official_scan(spec, &opts, progress)?;
    diagnostics.extend(table.diagnostics.iter().cloned());
    let gathered = table.official.clone().unwrap_or_default();
    let rows = portal::by_procedure(&gathered, &inputs, window_of(&period), &opts.calendar);
    let scored: Vec<&'static str> = portal::PER_PROCEDURE.to_vec();
    let per_unit: Indicators = rows
        .iter()
        .map(|(u, p, i)| (format!("{u}/{p}"), i.clone()))
        .collect();
    diagnostics.extend(portal::missing_findings(&scored, &per_unit));
    diagnostics.extend(portal::supplement_finding(&scored, &gathered.columns));
    diagnostics.extend(portal::calendar_finding(&gathered));
    diagnostics.extend(portal::catalogue_finding(&inputs, &gathered));
    crate::diag::sort(&mut diagnostics);
    Ok(ProcedureMetrics {
        rows,
        period,
        stats: table.stats,
        diagnostics,
    })
}
