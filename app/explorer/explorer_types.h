#pragma once

namespace eddpm::explorer {

// Registers the plain value types that travel between the worker thread and the GUI by queued
// signals. Call once before the first connection.
void registerExplorerTypes();

}  // namespace eddpm::explorer
