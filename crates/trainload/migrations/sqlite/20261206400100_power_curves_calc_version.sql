-- Stored mean-maximal curves record the calculation version that produced them: 1.0.0 curves
-- were envelopes (best mean held for at least d), later ones are exact (best mean over exactly
-- d). The monthly recalculation recomputes every curve older than the current version.
ALTER TABLE power_curves ADD COLUMN calc_version BIGINT NOT NULL DEFAULT 1000000;
