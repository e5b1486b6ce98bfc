// A stand-in for the canopy-console module's app.js: the gateway's tests serve it.
document.getElementById("app").textContent = "test console loaded";
