#include "explorer_types.h"

#include <QMetaType>

#include "plot_data.h"
#include "training_settings.h"

namespace eddpm::explorer {

void registerExplorerTypes() {
  qRegisterMetaType<widgets::TrainingPoint>();
  qRegisterMetaType<widgets::MaskFrame>();
  qRegisterMetaType<widgets::QualityPoint>();
  qRegisterMetaType<widgets::ImagePreview>();
  qRegisterMetaType<widgets::TrainingSettings>();
}

}  // namespace eddpm::explorer
