#include "cli_app.h"

int main(int argc, char** argv) { return eddpm::cli::run(argc, argv); }
