"""LTI 1.3 Advantage: the tool side of login, launch, deep linking, grades (AGS) and rosters
(NRPS), built on pylti1p3 with the gaps it leaves closed here (see docs/lti.md)."""
