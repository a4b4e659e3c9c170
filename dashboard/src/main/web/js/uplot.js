// uPlot from its webjar, served by the hub (the version is filled in by the Maven build).
export { default } from "../webjars/uplot/${uplot.version}/dist/uPlot.esm.js";
