#pragma once
// A folder of PNG/JPEG (and the other formats stb_image reads) as a data set: every readable image
// is centre-cropped to a square and resized. Files that are not images are skipped and counted.
#include <filesystem>
#include <string>
#include <vector>

#include "dataset.h"

namespace eddpm {

struct FolderScan {
  std::shared_ptr<const Dataset> dataset;
  int64_t loaded = 0;
  std::vector<std::string> skipped;  // file names that could not be read as images
};

// Images in sorted path order (subfolders included); every 10th goes to the held-out split once
// there are 20 or more. Throws std::invalid_argument for a missing folder or one without a
// single readable image, naming some skipped files.
FolderScan load_image_folder(const std::filesystem::path& folder, int64_t size, int64_t channels,
                             int64_t max_images = 60000);

}  // namespace eddpm
