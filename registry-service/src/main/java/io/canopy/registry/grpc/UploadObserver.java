package io.canopy.registry.grpc;

import io.canopy.common.error.CanopyException.InvalidArgument;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.registry.metrics.RegistryMetrics.UploadOutcome;
import io.canopy.registry.upload.StagedUpload;
import io.canopy.registry.upload.VersionUploads;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;

/**
 * One UploadVersion call: a header, then chunks written to a staging file as they arrive (the
 * transport asks for the next message only when the previous one is written, so a fast client
 * cannot flood memory). An error or a cancelled call discards the staged bytes; a completed one
 * answers after validation, with the version's final state.
 */
final class UploadObserver implements StreamObserver<UploadVersionRequest> {

  private final VersionUploads uploads;
  private final ServerCallStreamObserver<UploadVersionResponse> response;
  private final String actor;
  private UploadVersionHeader header;
  private StagedUpload staged;
  private boolean done;

  UploadObserver(
      VersionUploads uploads,
      ServerCallStreamObserver<UploadVersionResponse> response,
      String actor) {
    this.uploads = uploads;
    this.response = response;
    this.actor = actor;
  }

  @Override
  public void onNext(UploadVersionRequest request) {
    if (done) {
      return;
    }
    try {
      switch (request.getPayloadCase()) {
        case HEADER -> {
          if (header != null) {
            throw new InvalidArgument("header", "only the first message may be a header");
          }
          UploadVersionHeader h = Requests.uploadHeader(request.getHeader());
          staged = uploads.begin(h);
          header = h;
        }
        case CHUNK -> {
          if (header == null) {
            throw new InvalidArgument("header", "the first message must be the header");
          }
          staged.append(request.getChunk());
        }
        case PAYLOAD_NOT_SET ->
            throw new InvalidArgument("payload", "each message needs a header or a chunk");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    // The client cancelled or the transport broke: keep nothing.
    done = true;
    discard(UploadOutcome.CANCELLED);
  }

  @Override
  public void onCompleted() {
    if (done) {
      return;
    }
    if (header == null) {
      fail(new InvalidArgument("header", "the upload carried no header"));
      return;
    }
    done = true;
    try {
      uploads
          .complete(staged, header, actor)
          .whenComplete(
              (version, error) -> {
                if (error != null) {
                  respondError(error instanceof CompletionException ? error.getCause() : error);
                } else {
                  respond(UploadVersionResponse.newBuilder().setVersion(version).build());
                }
              });
    } catch (RuntimeException e) {
      respondError(e);
    }
  }

  private void fail(RuntimeException e) {
    done = true;
    discard(UploadOutcome.REFUSED);
    respondError(e);
  }

  private void discard(UploadOutcome outcome) {
    if (staged != null) {
      uploads.discard(staged, outcome);
    }
  }

  private void respond(UploadVersionResponse message) {
    if (!response.isCancelled()) {
      response.onNext(message);
      response.onCompleted();
    }
  }

  private void respondError(Throwable t) {
    if (!response.isCancelled()) {
      response.onError(t);
    }
  }
}
