package io.canopy.common.auth;

import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;

/**
 * Who may call the prediction and feature APIs, on the gateway's gRPC front and on serving alike:
 * predictions, KServe and feature reads need {@code predict}; writing feature values needs {@code
 * write-features}; creating, replacing and deleting feature views needs {@code admin}.
 */
public final class InferenceRoles {

  private InferenceRoles() {}

  public static MethodRoles table() {
    return new MethodRoles()
        .require(InferenceServiceGrpc.getServiceDescriptor(), Role.PREDICT)
        .require(GRPCInferenceServiceGrpc.getServiceDescriptor(), Role.PREDICT)
        .require(FeatureStoreServiceGrpc.getServiceDescriptor(), Role.PREDICT)
        .require(FeatureStoreServiceGrpc.getWriteFeaturesMethod(), Role.WRITE_FEATURES)
        .require(FeatureStoreServiceGrpc.getCreateFeatureViewMethod(), Role.ADMIN)
        .require(FeatureStoreServiceGrpc.getDeleteFeatureViewMethod(), Role.ADMIN);
  }
}
