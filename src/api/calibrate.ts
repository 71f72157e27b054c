/** Calibration (`fleetsim calibrate`): fit a profile's step-model figures to one server's measurements. */
export type { CalibrationResult, FitError, MeasuredRequest, StepFigures } from "../calibrate/fit.js";
export { calibrate as calibrateProfile } from "../calibrate/fit.js";
