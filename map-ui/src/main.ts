import "leaflet/dist/leaflet.css";
import "./style.css";
import { startApp } from "./app.ts";

void startApp(document.getElementById("app")!);
