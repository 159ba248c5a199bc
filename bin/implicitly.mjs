#!/usr/bin/env node
// `npx implicitly doctor …`: checks an authorization server and API from the outside (docs/doctor.md).
import { main } from "../dist/doctor.mjs";

process.exitCode = await main(process.argv.slice(2), (text) => process.stdout.write(text + "\n"));
