// Creates an empty delvex database (migrated to the latest schema) at the path given, as `delvex serve` does on
// its first start: `delvex members import` works only on an existing database.

#include <iostream>

#include "bot/store/database.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: bench_members_new_db FILE.db\n";
        return 2;
    }
    delvex::store::Database db(delvex::store::DatabaseOptions{argv[1], false});
    return 0;
}
