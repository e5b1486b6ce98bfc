package io.canopy.registry.upload;

import io.canopy.proto.registry.v1.ModelFormat;
import java.nio.file.Path;

/**
 * A completely received upload in the staging area.
 *
 * @param format as detected from the bytes; UNSPECIFIED when unrecognized
 */
record StagedFile(Path path, long size, String sha256, ModelFormat format) {}
